"""Reading the JSON reports of benchmark runs: the median of one figure across runs."""
import statistics


def med(reports, *path):
    """The median over `reports` of the value found by following the keys of `path` in each."""
    values = []
    for report in reports:
        for key in path:
            report = report[key]
        values.append(report)
    return statistics.median(values)

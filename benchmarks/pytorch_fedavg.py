"""PyTorch's side of `sb-bench federation`: workload D (FedAvg on digits, 10 clients, 30 rounds) and D100
(100 clients, 10 rounds) as a plain loop, on the row numbers of digits-partitions.json. JSON out.

Each round every client loads the global weights, trains one epoch of SGD (lr 0.05, no momentum, batch 32,
shuffled), and the global model becomes the sample-weighted mean. One thread, as ours. Evaluation at the
reported rounds is left out of the times. A throwaway round runs first: PyTorch's first `optimizer.step()`
in a process costs seconds (WORKLOADS.md), which is start-up, not per-round work; it is reported apart.

Usage: python3 benchmarks/pytorch_fedavg.py [--repeats N] [--torch-loader] [--data CSV] [--partitions JSON]
(needs torch and numpy). Batches index the tensors directly, the fastest way to feed PyTorch; with
--torch-loader they come from torch.utils.data.DataLoader, as a typical script (and probably the reference
run) does.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

# The workspace's shared folder, next to the repository.
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

CHECKPOINTS = (1, 5, 10, 20, 30)


def load(csv_path, partitions_path):
    for path in (csv_path, partitions_path):
        if not Path(path).is_file():
            sys.exit(f"{path} not found: pass --data <digits.csv> and --partitions <digits-partitions.json>")
    table = np.loadtxt(csv_path, delimiter=",", skiprows=1, dtype=np.float32)
    features = torch.from_numpy(table[:, :-1] / 16)
    labels = torch.from_numpy(table[:, -1].astype(np.int64))
    rows = json.load(open(partitions_path))
    pick = lambda indices: (features[indices], labels[indices])
    return pick(rows["test_rows"]), [pick(c) for c in rows["clients_10"]], [pick(c) for c in rows["clients_100"]]


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def local_epoch(model, data, generator, torch_loader):
    x, y = data
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    if torch_loader:
        batches = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(x, y), batch_size=32, shuffle=True, generator=generator)
    else:
        order = torch.randperm(len(x), generator=generator)
        batches = ((x[order[s:s + 32]], y[order[s:s + 32]]) for s in range(0, len(x), 32))
    for bx, by in batches:
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(bx), by).backward()
        optimizer.step()


def accuracy(model, test):
    with torch.no_grad():
        return (model(test[0]).argmax(1) == test[1]).float().mean().item()


def federation(clients, test, rounds, seed, torch_loader):
    torch.manual_seed(seed)
    global_model = make_model()
    worker = make_model()
    generator = torch.Generator().manual_seed(seed)
    total = sum(len(c[0]) for c in clients)
    result = {"accuracy": {}, "round_s": []}
    for round_number in range(1, rounds + 1):
        start = time.perf_counter()
        global_state = global_model.state_dict()
        average = {name: torch.zeros_like(t) for name, t in global_state.items()}
        for data in clients:
            worker.load_state_dict(global_state)
            local_epoch(worker, data, generator, torch_loader)
            weight = len(data[0]) / total
            for name, t in worker.state_dict().items():
                average[name] += weight * t
        global_model.load_state_dict(average)
        result["round_s"].append(time.perf_counter() - start)
        if round_number in CHECKPOINTS or round_number == rounds:
            result["accuracy"][str(round_number)] = accuracy(global_model, test)
    return result


def summary(runs, rounds):
    totals = [sum(r["round_s"]) for r in runs]
    later = [sum(r["round_s"][1:]) / (rounds - 1) for r in runs]
    return {
        "test_accuracy_after_round": {
            k: {"median": round(statistics.median(r["accuracy"][k] for r in runs), 4),
                "runs": [round(r["accuracy"][k], 4) for r in runs]} for k in runs[0]["accuracy"]},
        "total_s": round(statistics.median(totals), 4),
        "total_runs_s": [round(t, 4) for t in totals],
        "per_round_s": round(statistics.median(totals) / rounds, 4),
        "first_round_s": round(statistics.median(r["round_s"][0] for r in runs), 4),
        "per_round_after_first_s": round(statistics.median(later), 4),
        "per_round_after_first_runs_s": [round(t, 4) for t in later],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--torch-loader", action="store_true")
    parser.add_argument("--data", default=str(SHARED / "data" / "digits.csv"))
    parser.add_argument("--partitions", default=str(SHARED / "bench" / "digits-partitions.json"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    test, clients10, clients100 = load(args.data, args.partitions)
    start = time.perf_counter()
    federation(clients10, test, 1, 12345, args.torch_loader)
    warmup = time.perf_counter() - start
    report = {"torch": torch.__version__, "loader": "torch DataLoader" if args.torch_loader else "indexing",
              "warmup_round_s": round(warmup, 3)}
    for name, clients, rounds in (("D", clients10, 30), ("D100", clients100, 10)):
        runs = [federation(clients, test, rounds, seed, args.torch_loader) for seed in range(args.repeats)]
        report[name] = {"clients": len(clients), "rounds": rounds, "in_process": summary(runs, rounds)}
    with open("/proc/loadavg") as f:
        report["load_average"] = " ".join(f.read().split()[:3])
    print(json.dumps(report, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()

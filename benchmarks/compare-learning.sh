#!/usr/bin/env bash
# Runs `sb-bench learning` and the same workloads in PyTorch (one thread) back to back, twice,
# interleaved, and prints both reports plus the ratios of the medians. Needs torch and numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sb-bench >/dev/null
out=$(mktemp -d)
for round in 1 2; do
    .build/release/sb-bench learning --repeats "${REPEATS:-5}" > "$out/swift-$round.json"
    python3 benchmarks/pytorch_learning.py --repeats "${REPEATS:-5}" > "$out/torch-$round.json"
done
python3 - "$out" <<'PY'
import json, sys
sys.path.insert(0, "benchmarks")
from medians import med
out = sys.argv[1]
swift = [json.load(open(f"{out}/swift-{r}.json")) for r in (1, 2)]
torch = [json.load(open(f"{out}/torch-{r}.json")) for r in (1, 2)]
rows = []
for n in ("256", "512", "1024"):
    rows.append((f"sgemm n={n} GFLOP/s", med(swift, "sgemm", "gflops", n), med(torch, "sgemm", "gflops", n)))
for workload, key in (("mlp_784_256_128_10", "train_samples_per_s"),
                      ("mlp_784_256_128_10", "inference_samples_per_s_batch_256"),
                      ("digits_mlp", "train_samples_per_s")):
    rows.append((f"{workload} {key}", med(swift, workload, key), med(torch, workload, key)))
print(json.dumps({"swift": swift, "torch": torch}, indent=1))
print(f"{'figure':55} {'scatterbrained':>15} {'pytorch':>12} {'ratio':>7}")
for name, ours, theirs in rows:
    print(f"{name:55} {ours:15.1f} {theirs:12.1f} {ours / theirs:7.2f}")
PY

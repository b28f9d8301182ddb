#!/usr/bin/env bash
# Workload D side by side: `sb-bench federation` (in-process FedAvg loop and the same federation over the
# network stack), benchmarks/pytorch_fedavg.py (the PyTorch loop) and, when FLOWER_PYTHON names a Python
# with "flwr[simulation]" installed, benchmarks/flower_fedavg.py (one Flower simulation of D per round).
# Interleaved for ROUNDS rounds (default 2) of REPEATS runs each (default 5); prints the reports, then
# medians and ratios. Needs torch and numpy. SCRATCH sets the Swift build directory (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH:-.build}"
swift build -c release --scratch-path "$scratch" --product sb-bench >/dev/null
out=$(mktemp -d)
for round in $(seq 1 "${ROUNDS:-2}"); do
    "$scratch/release/sb-bench" federation --repeats "${REPEATS:-5}" > "$out/swift-$round.json"
    python3 benchmarks/pytorch_fedavg.py --repeats "${REPEATS:-5}" > "$out/torch-$round.json"
    if [[ -n "${FLOWER_PYTHON:-}" ]]; then
        (cd benchmarks && "$FLOWER_PYTHON" flower_fedavg.py --seed "$round" 2>/dev/null) > "$out/flower-$round.json"
    fi
done
python3 - "$out" "${ROUNDS:-2}" <<'PY'
import glob, json, sys
sys.path.insert(0, "benchmarks")
from medians import med
out, rounds = sys.argv[1], int(sys.argv[2])
read = lambda side: [json.load(open(f"{out}/{side}-{r}.json")) for r in range(1, rounds + 1)]
swift, torch = read("swift"), read("torch")
flower = read("flower") if glob.glob(f"{out}/flower-*.json") else []
print(json.dumps({"swift": swift, "torch": torch, "flower": flower}, indent=1))


print(f"\nload average at the end of each sb-bench run: {[s['load_average'] for s in swift]}")
for workload, checkpoints in (("D", ("1", "5", "10", "20", "30")), ("D100", ("1", "5", "10"))):
    print(f"\n{workload}: median of the per-round medians")
    print(f"{'figure':42} {'ours loop':>10} {'ours net':>10} {'pytorch':>10} {'flower':>10} "
          f"{'net/torch':>10} {'flower/net':>10}")
    has_net = "network" in swift[0][workload]
    for key in ("total_s", "first_round_s", "per_round_after_first_s"):
        loop = med(swift, workload, "in_process", key)
        net = med(swift, workload, "network", key) if has_net else float("nan")
        theirs = med(torch, workload, "in_process", key)
        fl = med(flower, key) if flower and workload == "D" else float("nan")
        print(f"{key:42} {loop:10.4f} {net:10.4f} {theirs:10.4f} {fl:10.4f} {net / theirs:10.2f} {fl / net:10.2f}")
    print(f"{'loop ours/pytorch, per round after first':42} "
          f"{med(swift, workload, 'in_process', 'per_round_after_first_s') / med(torch, workload, 'in_process', 'per_round_after_first_s'):10.2f}")
    for checkpoint in checkpoints:
        row = [med(swift, workload, "in_process", "test_accuracy_after_round", checkpoint, "median")]
        row.append(med(swift, workload, "network", "test_accuracy_after_round", checkpoint, "median")
                   if has_net else float("nan"))
        row.append(med(torch, workload, "in_process", "test_accuracy_after_round", checkpoint, "median"))
        row.append(med(flower, "test_accuracy_after_round", checkpoint) if flower and workload == "D" else float("nan"))
        print(f"{'test accuracy after round ' + checkpoint:42} " + " ".join(f"{v:10.4f}" for v in row))
PY

"""PyTorch's side of `sb-bench learning`: the same workloads, one thread, JSON out.

Usage: python3 benchmarks/pytorch_learning.py [--repeats N]   (needs torch and numpy)
"""
import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
DATA = Path(__file__).resolve().parent.parent / "Sources/SBLearning/Resources/digits.csv"


def sgemm():
    figures = {}
    for n in (256, 512, 1024):
        a, b = torch.rand(n, n) * 2 - 1, torch.rand(n, n) * 2 - 1
        a @ b
        best = min(timed(lambda: a @ b) for _ in range(3))
        figures[str(n)] = round(2 * n**3 / best / 1e9, 1)
    return {"gflops": figures}


def timed(body):
    start = time.perf_counter()
    body()
    return time.perf_counter() - start


def epoch(model, optimizer, features, labels, batch_size, generator):
    order = torch.randperm(len(features), generator=generator)
    loss_fn = torch.nn.functional.cross_entropy
    for start in range(0, len(features), batch_size):
        index = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(features[index]), labels[index])
        loss.backward()
        optimizer.step()


def mlp_throughput(repeats):
    samples = 10_000
    features = torch.randn(samples, 784)
    labels = torch.arange(samples) % 10
    generator = torch.Generator().manual_seed(4)
    train_rates, inference_rates = [], []
    for _ in range(repeats):
        mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                  torch.nn.ReLU(), torch.nn.Linear(128, 10))
        optimizer = torch.optim.SGD(mlp.parameters(), lr=0.01)
        epoch(mlp, optimizer, features, labels, 64, generator)
        seconds = timed(lambda: [epoch(mlp, optimizer, features, labels, 64, generator) for _ in range(3)])
        train_rates.append(3 * samples / seconds)
        batch = features[:256]
        with torch.no_grad():
            seconds = timed(lambda: [mlp(batch) for _ in range(40)])
        inference_rates.append(40 * 256 / seconds)
    return {"train_samples_per_s": round(statistics.median(train_rates)),
            "train_runs": [round(r) for r in train_rates],
            "inference_samples_per_s_batch_256": round(statistics.median(inference_rates))}


def digits_mlp(repeats):
    table = np.loadtxt(DATA, delimiter=",", skiprows=1, dtype=np.float32)
    features = torch.from_numpy(table[:, :-1] / 16)
    labels = torch.from_numpy(table[:, -1].astype(np.int64))
    # A stratified 80/20 split, as ours: the training part of each class.
    generator = np.random.default_rng(42)
    train_index = []
    for label in range(10):
        members = np.flatnonzero(table[:, -1] == label)
        generator.shuffle(members)
        train_index.extend(members[int(np.ceil(0.2 * len(members))):])
    train_x, train_y = features[train_index], labels[train_index]
    torch_generator = torch.Generator().manual_seed(5)
    rates = []
    for run in range(repeats):
        torch.manual_seed(run)
        mlp = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
        optimizer = torch.optim.SGD(mlp.parameters(), lr=0.05, momentum=0.9)
        epoch(mlp, optimizer, train_x, train_y, 32, torch_generator)
        seconds = timed(lambda: [epoch(mlp, optimizer, train_x, train_y, 32, torch_generator) for _ in range(5)])
        rates.append(5 * len(train_x) / seconds)
    return {"train_samples_per_s": round(statistics.median(rates)), "train_runs": [round(r) for r in rates]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "sgemm": sgemm(),
                      "mlp_784_256_128_10": mlp_throughput(repeats), "digits_mlp": digits_mlp(repeats)},
                     indent=2, sort_keys=True))

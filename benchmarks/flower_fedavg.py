"""Flower's side of `sb-bench federation`: workload D (or D100) as a Flower simulation (Ray backend), on the
row numbers of digits-partitions.json. JSON out.

Clients are NumPyClients training the same MLP as benchmarks/pytorch_fedavg.py (one local epoch of SGD, lr
0.05, batch 32, shuffled); the server's FedAvg weighs by sample counts and evaluates the global model on the
test rows after every round (`evaluate_fn`), which also timestamps the rounds. The start-to-finish time runs
from just before `run_simulation` (Ray start-up included) to its return.

Usage: python3 benchmarks/flower_fedavg.py [--clients 10|100] [--seed S]   (needs "flwr[simulation]", torch)
"""
import argparse
from pathlib import Path
import json
import os
import time

import torch

from pytorch_fedavg import load, local_epoch, make_model

# The workspace's shared folder, next to the repository.
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

ARGS = argparse.ArgumentParser()
ARGS.add_argument("--clients", type=int, default=10, choices=(10, 100))
ARGS.add_argument("--seed", type=int, default=0)
ARGS.add_argument("--data", default=str(SHARED / "data" / "digits.csv"))
ARGS.add_argument("--partitions", default=str(SHARED / "bench" / "digits-partitions.json"))


def main():
    import flwr
    from flwr.client import ClientApp, NumPyClient
    from flwr.common import Context, ndarrays_to_parameters
    from flwr.server import ServerApp, ServerAppComponents, ServerConfig
    from flwr.server.strategy import FedAvg
    from flwr.simulation import run_simulation

    args = ARGS.parse_args()
    rounds = 30 if args.clients == 10 else 10
    test, clients10, clients100 = load(args.data, args.partitions)
    clients = clients10 if args.clients == 10 else clients100
    torch.manual_seed(args.seed)
    initial = [t.detach().numpy().copy() for t in make_model().state_dict().values()]
    closed, accuracy = {}, {}

    def set_weights(model, weights):
        model.load_state_dict({k: torch.from_numpy(w) for k, w in zip(model.state_dict(), weights)})

    class DigitsClient(NumPyClient):
        def __init__(self, partition):
            self.data = clients[partition]
            self.model = make_model()
            self.generator = torch.Generator().manual_seed(args.seed * 1_000_003 + partition)

        def fit(self, parameters, config):
            torch.set_num_threads(1)
            set_weights(self.model, parameters)
            local_epoch(self.model, self.data, self.generator, torch_loader=False)
            return [t.detach().numpy() for t in self.model.state_dict().values()], len(self.data[0]), {}

    def client_fn(context: Context):
        return DigitsClient(int(context.node_config["partition-id"])).to_client()

    def evaluate(server_round, parameters, config):
        closed[server_round] = time.perf_counter()
        model = make_model()
        set_weights(model, parameters)
        with torch.no_grad():
            accuracy[server_round] = (model(test[0]).argmax(1) == test[1]).float().mean().item()
        return 0.0, {}

    def server_fn(context: Context):
        strategy = FedAvg(
            fraction_fit=1.0, fraction_evaluate=0.0, min_fit_clients=len(clients), min_evaluate_clients=0,
            min_available_clients=len(clients), initial_parameters=ndarrays_to_parameters(initial),
            evaluate_fn=evaluate)
        return ServerAppComponents(strategy=strategy, config=ServerConfig(num_rounds=rounds))

    start = time.perf_counter()
    run_simulation(server_app=ServerApp(server_fn=server_fn), client_app=ClientApp(client_fn=client_fn),
                   num_supernodes=len(clients), backend_config={"client_resources": {"num_cpus": 1}})
    total = time.perf_counter() - start
    with open("/proc/loadavg") as f:
        load_average = " ".join(f.read().split()[:3])
    print(json.dumps({
        "flwr": flwr.__version__, "clients": len(clients), "rounds": rounds, "seed": args.seed,
        "test_accuracy_after_round": {str(r): round(accuracy[r], 4) for r in (1, 5, 10, 20, 30) if r in accuracy},
        "total_s": round(total, 3),
        "first_round_s": round(closed[1] - start, 3),
        "per_round_after_first_s": round((closed[rounds] - closed[1]) / (rounds - 1), 4),
        "load_average": load_average,
    }, indent=1))


if __name__ == "__main__":
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    main()

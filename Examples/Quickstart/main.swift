// The README's quickstart, spelled exactly as documented, as a user's main.swift. Building it with the
// package checks that steps 1–3 compile in Swift 6 mode without warnings. (Run, step 2 serves until
// interrupted; step 3 is what another process or machine runs: see `scatterbrained node` and `join`.)
import Scatterbrained

// Step 1: plain ML
let data = try Datasets.diabetes()          // features [442, 10], targets [442, 1]
let (trainSet, validSet) = data.split(testFraction: 0.2, seed: 42)
let trainLoader = DataLoader(trainSet, batchSize: 32, shuffle: true)
let validLoader = DataLoader(validSet, batchSize: 32, shuffle: true)
let model = Linear(10, 1)
let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters) }

// Step 2: create a namespace, train, serve
try await Node.run { node in
    try await node.namespace("MyFirstNamespace", model: model, optimizer: createOptimizer) { ns in
        try await ns.train(epochs: 10, train: trainLoader, validation: validLoader)
        try await ns.serve()                // until cancelled; serve(for: .seconds(30)) is bounded
    }
}

// Step 3: from another process or machine: join and download the model
try await Node.run { node in
    try await node.join("MyFirstNamespace") { ns in
        try await ns.syncModel()
        try await ns.serve()
    }
}

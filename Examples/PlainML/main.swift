// The README's plain-ML part (quickstart step 1 and a PyTorch-style training loop), spelled as
// documented, as a user's main.swift; built with the package, which checks that it compiles in Swift 6 mode.
import Scatterbrained

let data = try Datasets.diabetes()  // features [442, 10], targets [442, 1]
let (trainSet, validSet) = data.split(testFraction: 0.2, seed: 42)
let trainLoader = DataLoader(trainSet, batchSize: 32, shuffle: true)
let validLoader = DataLoader(validSet, batchSize: 32, shuffle: true)
let model = Linear(10, 1)
let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters) }

let history = try model.fit(epochs: 10, train: trainLoader, validation: validLoader, optimizer: createOptimizer(model))
print("diabetes, 10 epochs of AdamW at PyTorch's defaults: validation MSE \(history.last!.validation!.loss)")

let digits = try Datasets.digits()  // features [1797, 64] (0...16), targets [1797] (class 0...9)
let mlp = Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
let optimizer = SGD(mlp.parameters, learningRate: 0.05, momentum: 0.9)
let loader = DataLoader(
    TensorDataset(features: digits.features / 16, targets: digits.targets),
    batchSize: 32, shuffle: true)
for (x, y) in loader {  // a DataLoader is a Sequence of (features, targets)
    optimizer.zeroGrad()
    let loss = crossEntropyLoss(mlp(x), y)  // mseLoss(_:_:) for regression
    loss.backward()
    optimizer.step()
}
let state = mlp.stateDict()  // [String: Tensor], PyTorch names ("0.weight", ...)
let x = digits.features[0..<4] / 16
let logits: [Float] = mlp(x).scalars  // row-major; `shape` gives the dimensions
print("digits MLP after one epoch: parameters \(state.keys.sorted()), first logits \(logits.prefix(3))")

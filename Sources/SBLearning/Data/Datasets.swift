import Foundation
import SBTensor
import Synchronization

/// Small public data sets that ship with the package, for examples, tests and benchmarks.
///
/// Each is read from the package's resources on first use and then kept in memory, so every node
/// of a simulation in one process shares a single copy.
///
/// ```swift
/// let data = try Datasets.diabetes()          // features [442, 10], targets [442, 1]
/// let (trainSet, validSet) = data.split(testFraction: 0.2, seed: 42)
/// ```
public enum Datasets {
    /// scikit-learn's diabetes regression data (`load_diabetes()`): 442 patients, 10 baseline
    /// variables (age, sex, body mass index, blood pressure, six blood serum measurements), mean
    /// centred and scaled, and a measure of disease progression one year later.
    ///
    /// - Returns: features `[442, 10]` and targets `[442, 1]`.
    /// - Throws: ``DataError`` only if the package's resource bundle is damaged.
    public static func diabetes() throws(DataError) -> TensorDataset {
        try cached("diabetes") { $0 }
    }

    /// scikit-learn's handwritten digits (`load_digits()`): 1797 images of 8×8 pixels, each pixel
    /// a count from 0 to 16, labelled with the digit shown.
    ///
    /// - Returns: features `[1797, 64]` (row-major pixels) and targets `[1797]`, class indices
    ///   0…9, ready for `crossEntropyLoss`. Divide the features by 16 to scale them to [0, 1].
    /// - Throws: ``DataError`` only if the package's resource bundle is damaged.
    public static func digits() throws(DataError) -> TensorDataset {
        try cached("digits") {
            TensorDataset(features: $0.features, targets: $0.targets.reshapedUnchecked([$0.targets.count]))
        }
    }

    private static let loaded = Mutex<[String: TensorDataset]>([:])

    /// The data set in resource `name`.csv, read and adjusted by `finish` on first use.
    ///
    /// Reading under the lock makes concurrent first callers wait for one read instead of each
    /// parsing the file.
    private static func cached(
        _ name: String, finish: (TensorDataset) -> TensorDataset
    ) throws(DataError) -> TensorDataset {
        try loaded.withLock { (loaded: inout [String: TensorDataset]) throws(DataError) -> TensorDataset in
            if let dataset = loaded[name] { return dataset }
            guard let url = Bundle.module.url(forResource: name, withExtension: "csv") else {
                throw .missingResource("\(name).csv")
            }
            let dataset = finish(try CSV.load(contentsOf: url))
            loaded[name] = dataset
            return dataset
        }
    }
}

import Foundation
import Scatterbrained
import Synchronization

/// One line of `scatterbrained node` and `join` output: a JSON object per event, so that scripts and
/// tests can follow a node in another process.
struct NodeReport: Codable {
    /// `started`, `epoch`, `round`, `coordinated`, `model`, `joined`, `left`, `served`, `synced`, `saved`,
    /// `merged`, `rejected` or `stopped`.
    var type: String
    var id: String?
    var address: String?
    var namespace: String?
    var epoch: Int?
    var trainingLoss: Float?
    var validationLoss: Float?
    /// The share of validation samples classified right, for classifiers.
    var validationAccuracy: Float?
    /// How long the epoch took, its exchange round included, in seconds.
    var seconds: Double?
    var version: UInt64?
    var round: Int?
    var contributors: [String]?
    /// What became of the models pushed to peers during the epoch or the coordination.
    var pushes: PushStatistics?
    var reason: String?
    /// The architecture document, as sent to peers.
    var architecture: String?
    /// Each tensor's name, shape and float32 bytes in hexadecimal, to compare models bit for bit.
    var weights: [String: String]?
    /// SHA-256 of the weights as a safetensors file, a short way to compare models.
    var digest: String?
    /// The model's predictions on the quickstart's validation split, as float32 bit patterns in hexadecimal.
    var predictions: [String]?

    init(type: String) {
        self.type = type
    }

    /// The first line of every node command: the node's id and address, and the namespace it works in.
    init(startedBy node: Node, in namespace: String) {
        self.init(type: "started")
        id = node.id.description
        address = node.address.description
        self.namespace = namespace
    }

    /// A report of `snapshot` as `type`, with its weights, and its predictions on `features` when given.
    init(type: String, snapshot: ModelSnapshot, version: UInt64, features: Tensor?) throws {
        self.type = type
        self.version = version
        architecture = String(decoding: try snapshot.architectureJSON(), as: UTF8.self)
        weights = snapshot.state.mapValues { tensor in
            "\(tensor.shape):" + tensor.scalars.map { hex($0.bitPattern) }.joined()
        }
        digest = SHA256.hash(Array(snapshot.weightsSafetensors())).map { hex($0) }.joined()
        guard let features else { return }
        let module = try snapshot.makeModule()
        let outputs: [Float] = withNoGrad { module(features).scalars }
        predictions = outputs.map { hex($0.bitPattern) }
    }

    /// The line for a finished epoch: `contributors` are the peers whose models its round merged.
    init(_ epoch: EpochReport) {
        self.init(type: "epoch")
        self.epoch = epoch.epoch
        trainingLoss = epoch.trainingLoss
        validationLoss = epoch.validation?.loss
        validationAccuracy = epoch.validation?.accuracy
        version = epoch.modelVersion
        contributors = epoch.mergedWith.map(\.description)
    }

    /// Writes the line and flushes it, so a reader sees it even if the process is killed next.
    func write() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard var line = try? encoder.encode(self) else { return }
        line.append(UInt8(ascii: "\n"))
        // A pipe takes writes above 4 KiB in pieces: without the lock, an event line printed by another
        // task could land inside a long model line.
        standardOutputLock.withLock { _ in FileHandle.standardOutput.write(line) }
    }
}

/// Serializes the lines written to standard output.
private let standardOutputLock = Mutex(())

/// Fixed-width lowercase hexadecimal.
private func hex<Value: FixedWidthInteger>(_ value: Value) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, Value.bitWidth / 4 - digits.count)) + digits
}

import SBNetwork
import SBWire

/// The small model a probe serves: a one-layer linear model's weights with random values, and a fixed
/// architecture document. The architecture is written out rather than built with SBLearning's
/// `ModuleSpec`, which the probe does not depend on: only the bytes matter on the wire.
struct ProbeModel {
    /// One tensor as printed: its name, shape and data in hexadecimal, so two processes' outputs
    /// compare bit for bit.
    struct Fingerprint: Codable, Equatable {
        var name: String
        var shape: [Int]
        var data: String
    }

    static let architecture = Array(
        #"{"arguments":{"bias":true,"inFeatures":4,"outFeatures":3},"type":"Linear"}"#.utf8)

    let tensors: [WireTensor]

    /// A model with fresh random weights.
    init() throws {
        tensors = try [("weight", [3, 4]), ("bias", [3])].map { name, shape in
            let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1) }
            let bytes = values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
            return try WireTensor(name: name, shape: shape, element: .float32, data: bytes)
        }
    }

    /// How the tensors are printed.
    static func fingerprint(_ tensors: [WireTensor]) -> [Fingerprint] {
        tensors.map { tensor in
            Fingerprint(
                name: tensor.name, shape: tensor.shape,
                data: tensor.data.map { String($0, radix: 16).leftPadded(to: 2) }.joined())
        }
    }

    /// The answer to a request: the model, or a refusal for another namespace.
    func response(to request: ModelRequest, namespaces: [String]) throws -> Message {
        guard namespaces.contains(request.namespace) else {
            return .error(try ErrorMessage(code: .unknownNamespace, text: "no model for '\(request.namespace)'"))
        }
        return .modelResponse(
            try ModelResponse(
                requestID: request.requestID, namespace: request.namespace, modelVersion: 1, sampleCount: 0,
                architecture: Self.architecture, tensors: tensors))
    }

    /// Fetches a namespace's model from `address`.
    ///
    /// - Throws: Transport errors, or ``FetchError`` when the peer answers with anything but the model.
    static func fetch(namespace: String, from address: SocketAddress, over transport: any Transport) async throws
        -> ModelResponse
    {
        let connection = try await transport.connect(to: address)
        let requestID = UInt64.random(in: 1...UInt64.max)
        let reply: Message
        do {
            try await connection.send(
                .modelRequest(try ModelRequest(requestID: requestID, namespace: namespace)), timeout: .seconds(5))
            reply = try await connection.receive(timeout: .seconds(5))
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        guard case .modelResponse(let response) = reply, response.requestID == requestID else {
            throw FetchError(reply: reply)
        }
        return response
    }

    /// The peer answered a model request with something else.
    struct FetchError: Error, CustomStringConvertible {
        var reply: Message
        var description: String { "the peer answered a model request with \(reply)" }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// The first message on every connection, in both directions: who the sender is, which
/// namespaces it serves, what it can do and which protocol versions it speaks.
///
/// ```swift
/// let hello = try Hello(nodeID: node.id, listenPort: 7070, namespaces: ["MyFirstNamespace"])
/// let version = hello.negotiatedVersion(with: remoteHello)   // nil: send .noCommonVersion and close
/// ```
public struct Hello: Sendable, Equatable {
    /// The sender's identity.
    public let nodeID: NodeID
    /// The protocol versions the sender speaks, ascending, without duplicates.
    public let versions: [UInt8]
    /// What the sender supports beyond the baseline.
    public let capabilities: Capabilities
    /// The TCP port the sender accepts connections on; 0 if it accepts none.
    public let listenPort: UInt16
    /// The host peers should connect to, or empty for "the address this connection came from".
    public let advertisedHost: String
    /// The namespaces the sender takes part in.
    public let namespaces: [String]

    /// Creates a hello.
    ///
    /// - Throws: ``WireError`` if `versions` is empty, unsorted, contains 0 or more than
    ///   ``WireProtocol/maxVersions`` entries; if a namespace is empty or too long, or there are
    ///   more than ``WireProtocol/maxNamespaces``; or if `advertisedHost` is a wildcard address.
    public init(
        nodeID: NodeID, versions: [UInt8] = Array(WireProtocol.supportedVersions),
        capabilities: Capabilities = .implemented, listenPort: UInt16, advertisedHost: String = "",
        namespaces: [String]
    ) throws(WireError) {
        try ByteWriter.check(versions.count, field: "hello versions count", limit: WireProtocol.maxVersions)
        guard let first = versions.first, first > 0, zip(versions, versions.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw .invalidValue(
                field: "hello versions", reason: "must list 1–16 versions from 1 up, ascending, got \(versions)")
        }
        try FieldValidation.host(advertisedHost, field: "hello advertised host", allowEmpty: true)
        try ByteWriter.check(namespaces.count, field: "hello namespace count", limit: WireProtocol.maxNamespaces)
        for namespace in namespaces {
            try FieldValidation.namespace(namespace, field: "hello namespace")
        }
        self.nodeID = nodeID
        self.versions = versions
        self.capabilities = capabilities
        self.listenPort = listenPort
        self.advertisedHost = advertisedHost
        self.namespaces = namespaces
    }

    /// The highest version both hellos list, or nil when they share none, in which case the
    /// connection must end with ``ErrorCode/unsupportedVersion``.
    public func negotiatedVersion(with remote: Hello) -> UInt8? {
        Set(versions).intersection(remote.versions).max()
    }

    /// What a node can do beyond the baseline protocol. Unknown bits from newer peers are kept,
    /// not rejected: they only describe abilities, so ignoring them is safe.
    public struct Capabilities: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32

        public init(rawValue: UInt32) {
            self.rawValue = rawValue
        }

        /// Answers model requests.
        public static let serveModel = Capabilities(rawValue: 1 << 0)
        /// Reassembles chunked messages.
        public static let chunkedTransfer = Capabilities(rawValue: 1 << 1)
        /// Decodes float16 tensors.
        public static let float16Tensors = Capabilities(rawValue: 1 << 2)
        /// Decodes 8-bit affine-quantized tensors.
        public static let int8Tensors = Capabilities(rawValue: 1 << 3)
        /// Speaks the challenge–response handshake and tagged frames.
        public static let frameAuthentication = Capabilities(rawValue: 1 << 4)
        /// Answers peer list requests.
        public static let peerExchange = Capabilities(rawValue: 1 << 5)

        /// Everything this implementation of the protocol supports.
        public static let implemented: Capabilities = [
            .serveModel, .chunkedTransfer, .float16Tensors, .int8Tensors, .frameAuthentication, .peerExchange,
        ]
    }
}

extension Hello: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(nodeID)
        writer.write(UInt8(versions.count))
        writer.write(raw: versions)
        writer.write(capabilities.rawValue)
        writer.write(listenPort)
        writer.write(checkedString: advertisedHost)
        writer.write(UInt16(namespaces.count))
        for namespace in namespaces {
            writer.write(checkedString: namespace)
        }
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let nodeID = try reader.readNodeID(field: "hello node id")
        let versionCount = try reader.readCount(
            UInt8.self, field: "hello versions count", limit: WireProtocol.maxVersions, minimumElementSize: 1)
        let versions = try reader.readBytes(count: versionCount, field: "hello versions")
        let capabilities = Capabilities(rawValue: try reader.read(UInt32.self, field: "hello capabilities"))
        let listenPort = try reader.read(UInt16.self, field: "hello listen port")
        let host = try reader.readString(field: "hello advertised host", maxBytes: WireProtocol.maxHostBytes)
        let namespaceCount = try reader.readCount(
            UInt16.self, field: "hello namespace count", limit: WireProtocol.maxNamespaces, minimumElementSize: 3)
        var namespaces: [String] = []
        for _ in 0..<namespaceCount {
            namespaces.append(try reader.readString(field: "hello namespace", maxBytes: WireProtocol.maxNamespaceBytes))
        }
        try self.init(
            nodeID: nodeID, versions: versions, capabilities: capabilities, listenPort: listenPort,
            advertisedHost: host, namespaces: namespaces)
    }
}

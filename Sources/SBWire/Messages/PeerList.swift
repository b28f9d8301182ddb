/// The members of a namespace the sender knows, with the addresses they accept connections on.
public struct PeerList: Sendable, Equatable {
    /// One known member.
    public struct Peer: Sendable, Hashable {
        /// The member's identity.
        public let nodeID: NodeID
        /// A host name or address literal to connect to; never a wildcard address.
        public let host: String
        /// The member's TCP port, not 0.
        public let port: UInt16

        /// Creates a peer entry.
        ///
        /// - Throws: ``WireError`` for an empty, oversized or wildcard host, or port 0.
        public init(nodeID: NodeID, host: String, port: UInt16) throws(WireError) {
            try FieldValidation.host(host, field: "peer host", allowEmpty: false)
            guard port != 0 else {
                throw .invalidValue(field: "peer port", reason: "0 is not a port a peer listens on")
            }
            self.nodeID = nodeID
            self.host = host
            self.port = port
        }
    }

    /// The namespace the members belong to.
    public let namespace: String
    /// At most ``WireProtocol/maxPeers`` members.
    public let peers: [Peer]

    /// Creates a peer list.
    ///
    /// - Throws: ``WireError`` for an invalid namespace or more than ``WireProtocol/maxPeers`` peers.
    public init(namespace: String, peers: [Peer]) throws(WireError) {
        try FieldValidation.namespace(namespace, field: "peer list namespace")
        try ByteWriter.check(peers.count, field: "peer count", limit: WireProtocol.maxPeers)
        self.namespace = namespace
        self.peers = peers
    }
}

extension PeerList: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(checkedString: namespace)
        writer.write(UInt16(peers.count))
        for peer in peers {
            writer.write(peer.nodeID)
            writer.write(peer.port)
            writer.write(checkedString: peer.host)
        }
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let namespace = try reader.readString(field: "peer list namespace", maxBytes: WireProtocol.maxNamespaceBytes)
        // A peer is a node id, a port and a host of at least one byte after its length.
        let count = try reader.readCount(
            UInt16.self, field: "peer count", limit: WireProtocol.maxPeers, minimumElementSize: NodeID.byteCount + 5)
        var peers: [Peer] = []
        for _ in 0..<count {
            let nodeID = try reader.readNodeID(field: "peer node id")
            let port = try reader.read(UInt16.self, field: "peer port")
            let host = try reader.readString(field: "peer host", maxBytes: WireProtocol.maxHostBytes)
            peers.append(try Peer(nodeID: nodeID, host: host, port: port))
        }
        try self.init(namespace: namespace, peers: peers)
    }
}

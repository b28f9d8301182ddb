import Foundation
import SBNetwork

/// One line of the probe's output: a JSON object per event, written as it happens.
struct ProbeReport: Codable {
    /// `started`, `joined`, `updated`, `left`, `statistics` or `stopped`; a full node also reports
    /// `model` (the model it serves), `fetched` and `fetchFailed`.
    var type: String
    /// The index of the probe's node the line is about.
    var node: Int
    /// The node's own id (for `started`) or the peer's id.
    var id: String
    var address: String?
    var namespaces: [String]?
    var reason: String?
    var ignored: Int?
    var accepted: Int?
    var routes: [String]?
    /// A model's tensors, for checking that a fetched model is bit-identical to the served one.
    var model: [ProbeModel.Fingerprint]?

    init(type: String, node: Int, id: String) {
        self.type = type
        self.node = node
        self.id = id
    }

    init(event: PeerEvent, node: Int) {
        let peer = event.peer
        switch event {
        case .joined: type = "joined"
        case .updated: type = "updated"
        case .left(_, let reason): type = "left"; self.reason = "\(reason)"
        }
        self.node = node
        id = peer.nodeID.description
        address = peer.address.description
        namespaces = peer.namespaces.map(\.description).sorted()
    }

    init(event: MembershipEvent, node: Int) {
        switch event {
        case .joined: type = "joined"
        case .updated: type = "updated"
        case .left: type = "left"
        }
        self.node = node
        id = event.member.nodeID.description
        address = event.member.address.description
        namespaces = [event.member.namespace]
    }

    /// Writes the line and flushes it, so a reader sees it even if the probe is killed next.
    func write() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard var line = try? encoder.encode(self) else { return }
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(line)
    }
}

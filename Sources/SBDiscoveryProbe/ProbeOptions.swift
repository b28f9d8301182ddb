import SBNetwork
import SBWire

/// The probe's command line: `sb-discovery-probe [--nodes N] [--namespace NAME]... [--scope lan|loopback]
/// [--group IP] [--port P] [--heartbeat-ms MS] [--expiry-ms MS] [--seed HOST:PORT]... [--exchange-ms MS]
/// [--serve-model yes] [--fetch-model yes] [--busy-ms MS] --seconds S`.
///
/// `--seed`, `--serve-model` and `--fetch-model` run one full node (see ``ProbeNode``) instead of bare
/// discovery services. `--busy-ms` holds every thread of the cooperative pool for that long once the
/// first peer joins, as CPU-bound training would (bare discovery services only).
struct ProbeOptions {
    var nodes = 1
    var namespaces: [String] = []
    var configuration = DiscoveryConfiguration()
    var duration = Duration.zero
    var membership = MembershipConfiguration()
    var servesModel = false
    var fetchesModel = false
    var busy = Duration.zero

    /// Whether to run one node with a transport, membership and model serving.
    var runsNode: Bool { !membership.seeds.isEmpty || servesModel || fetchesModel }

    /// Why the command line cannot be used, printed with the usage line.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    init(arguments: [String]) throws(UsageError) {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            switch flag {
            case "--nodes": nodes = try Self.number(value, flag)
            case "--namespace": namespaces.append(value)
            case "--scope":
                guard let scope = ["lan": DiscoveryConfiguration.Scope.lan, "loopback": .loopback][value] else {
                    throw UsageError(description: "--scope is lan or loopback, not \(value)")
                }
                configuration.scope = scope
            case "--group":
                guard let group = IPAddress(value) else {
                    throw UsageError(description: "--group \(value) is no address")
                }
                configuration.group = group
            case "--port": configuration.port = UInt16(try Self.number(value, flag, limit: 65_535))
            case "--heartbeat-ms": configuration.heartbeatInterval = .milliseconds(try Self.number(value, flag))
            case "--expiry-ms": configuration.expiry = .milliseconds(try Self.number(value, flag))
            case "--seconds": duration = .milliseconds(try Self.number(value, flag, limit: 3_600) * 1000)
            case "--seed":
                do {
                    membership.seeds.append(try SocketAddress(parsing: value))
                } catch {
                    throw UsageError(description: "--seed: \(error)")
                }
            case "--exchange-ms":
                membership.exchangeInterval = .milliseconds(try Self.number(value, flag))
                membership.expiry = membership.exchangeInterval * 3.5
            case "--serve-model": servesModel = try Self.yes(value, flag)
            case "--fetch-model": fetchesModel = try Self.yes(value, flag)
            case "--busy-ms": busy = .milliseconds(try Self.number(value, flag))
            default: throw UsageError(description: "unknown option \(flag)")
            }
        }
        guard duration > .zero else { throw UsageError(description: "--seconds is required, so a probe always ends") }
        guard !namespaces.isEmpty else { throw UsageError(description: "give at least one --namespace") }
        guard !runsNode || busy == .zero else {
            throw UsageError(description: "--busy-ms runs with bare discovery services, not with a node")
        }
        guard !runsNode || nodes == 1 else {
            throw UsageError(description: "--seed, --serve-model and --fetch-model run exactly one node")
        }
    }

    private static func yes(_ text: String, _ flag: String) throws(UsageError) -> Bool {
        guard let value = ["yes": true, "no": false][text] else {
            throw UsageError(description: "\(flag) is yes or no, not \(text)")
        }
        return value
    }

    private static func number(_ text: String, _ flag: String, limit: Int = 100_000) throws(UsageError) -> Int {
        guard let value = Int(text), (1...limit).contains(value) else {
            throw UsageError(description: "\(flag) needs a number from 1 to \(limit), not \(text)")
        }
        return value
    }
}

import SBNetwork
import Testing

@Suite("Socket addresses")
struct SocketAddressTests {
    @Test(
        "host:port text parses and prints back unchanged",
        arguments: ["127.0.0.1:9000", "0.0.0.0:0", "[::1]:65535", "[fe80::1:2]:80", "[::]:1"])
    func roundTrip(text: String) throws {
        #expect(try SocketAddress(parsing: text).description == text)
    }

    @Test("Parts are read from the text")
    func parts() throws {
        let v4 = try SocketAddress(parsing: "10.1.2.3:4567")
        #expect(v4.ip.family == .ipv4)
        #expect(v4.ip.bytes == [10, 1, 2, 3])
        #expect(v4.port == 4567)
        let v6 = try SocketAddress(parsing: "[::1]:80")
        #expect(v6.ip.family == .ipv6 && v6.ip == .loopbackIPv6 && v6.port == 80)
        #expect(try SocketAddress(parsing: "localhost:7").ip == .loopbackIPv4)
    }

    @Test("Resolving a numeric host or localhost needs no lookup; text that is no host:port is refused")
    func resolving() async throws {
        #expect(try await SocketAddress.resolving("10.1.2.3:4567") == [SocketAddress(parsing: "10.1.2.3:4567")])
        #expect(try await SocketAddress.resolving("[::1]:80") == [SocketAddress(ip: .loopbackIPv6, port: 80)])
        #expect(try await SocketAddress.resolving("localhost:7") == [SocketAddress(ip: .loopbackIPv4, port: 7)])
        for text in ["coordinator.lab", ":7070", "coordinator.lab:http", "[::1:80"] {
            await #expect {
                try await SocketAddress.resolving(text)
            } throws: { error in
                guard case NetworkError.invalidAddress(let quoted, _) = error else { return false }
                return quoted == text
            }
        }
    }

    @Test(
        "Malformed text is rejected with a reason",
        arguments: [
            ("127.0.0.1", "missing ':port'"),
            ("::1:80", "IPv6 hosts need brackets"),
            ("[::1:80", "missing ']'"),
            ("[::1]80", "expected ':port'"),
            ("1.2.3.4:70000", "from 0 to 65535"),
            ("example.com:80", "not resolved"),
            ("[fe80::1%eth0]:80", "scoped IPv6"),
            ("1.2.3:80", "numeric"),
        ])
    func rejects(text: String, reason: String) {
        #expect(SocketAddress(text) == nil)
        #expect {
            try SocketAddress(parsing: text)
        } throws: { error in
            guard case NetworkError.invalidAddress(let quoted, let why) = error else { return false }
            return quoted == text && why.contains(reason)
        }
    }

    @Test("Address classes")
    func classes() throws {
        #expect(IPAddress.loopbackIPv4.isLoopback && IPAddress.loopbackIPv6.isLoopback)
        #expect(try IPAddress(parsing: "127.8.9.10").isLoopback)
        #expect(IPAddress.anyIPv4.isUnspecified && IPAddress.anyIPv6.isUnspecified)
        #expect(try IPAddress(parsing: "239.255.0.1").isMulticast)
        #expect(try IPAddress(parsing: "ff02::1").isMulticast)
        #expect(try !IPAddress(parsing: "192.168.0.1").isMulticast)
    }

    @Test("Equal addresses hash equally")
    func hashing() throws {
        let set: Set = [try SocketAddress(parsing: "[0:0::1]:5"), try SocketAddress(parsing: "[::1]:5")]
        #expect(set.count == 1)
        #expect(try SocketAddress(parsing: "127.0.0.1:5") != SocketAddress(parsing: "127.0.0.1:6"))
    }

    @Test("Error messages say what to do")
    func messages() throws {
        let address = try SocketAddress(parsing: "127.0.0.1:9")
        #expect(NetworkError.addressInUse(address).description.contains("port 0"))
        #expect(NetworkError.connectionRefused(address).description.contains("nothing listens"))
        #expect(NetworkError.timedOut(.connect).description.contains("timed out trying to connect"))
    }
}

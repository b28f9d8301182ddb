import SBTensor
import SBWire
import Testing

@Suite("Discovery datagrams")
struct DiscoveryTests {
    let announcement = try! Announcement(
        nodeID: Fixtures.nodeA, port: 7070, address: .ipv4([192, 168, 1, 20]),
        namespaces: [NamespaceTag(openNamespace: "MyFirstNamespace"), NamespaceTag(openNamespace: "digits")])

    @Test("Announcements round-trip with every address form and kind")
    func roundTrip() throws {
        let forms: [Announcement] = try [
            announcement,
            Announcement(nodeID: Fixtures.nodeB, port: 1, namespaces: []),
            Announcement(
                kind: .leave, nodeID: Fixtures.nodeB, versions: 1...3, port: 0, address: .ipv6(Array(1...16)),
                namespaces: Array(repeating: NamespaceTag(openNamespace: "x"), count: Announcement.maxNamespaceTags)),
        ]
        for form in forms {
            let bytes = form.encoded()
            #expect(bytes.count == Announcement.fixedByteCount + 8 * form.namespaces.count)
            #expect(try Announcement(datagram: bytes) == form)
        }
    }

    @Test("The layout starts with the documented fields")
    func layout() {
        let bytes = announcement.encoded()
        #expect(Array(bytes[0..<8]) == [0xF5, 0x53, 0x42, 0x44, 1, 1, 1, 1])
        #expect(Array(bytes[8..<24]) == Fixtures.nodeA.bytes)
        #expect(Array(bytes[24..<31]) == [0x9E, 0x1B, 4, 192, 168, 1, 20])
        #expect(bytes[43] == 2)
        #expect(Array(bytes[44..<52]) == NamespaceTag(openNamespace: "MyFirstNamespace").bytes)
    }

    @Test("Wildcard addresses, port 0 and too many tags are refused")
    func validation() {
        #expect(throws: WireError.self) {
            try Announcement(nodeID: Fixtures.nodeA, port: 7070, address: .ipv4([0, 0, 0, 0]), namespaces: [])
        }
        #expect(throws: WireError.self) { try Announcement(nodeID: Fixtures.nodeA, port: 0, namespaces: []) }
        #expect(throws: WireError.self) {
            try Announcement(
                nodeID: Fixtures.nodeA, port: 1,
                namespaces: Array(repeating: NamespaceTag(openNamespace: "x"), count: 17))
        }
    }

    @Test("Foreign and damaged datagrams are rejected with typed errors")
    func rejection() {
        let bytes = announcement.encoded()
        #expect(throws: WireError.truncated(field: "announcement", needed: 48, available: 5)) {
            try Announcement(datagram: utf8("hello"))
        }
        #expect(throws: WireError.limitExceeded(field: "announcement size", value: 1500, limit: 176)) {
            try Announcement(datagram: [UInt8](repeating: 0, count: 1500))
        }
        #expect(throws: WireError.badMagic(utf8("{\"id"))) {
            try Announcement(datagram: utf8(#"{"id": "python-scatterbrained-heartbeat-0123456789abcdef", "ns": 1}"#))
        }
        var version = bytes
        version[4] = 2
        #expect(throws: WireError.unsupportedVersion(2, supported: 1...1)) { try Announcement(datagram: version) }
        var flipped = bytes
        flipped[30] ^= 0x10
        #expect(throws: WireError.self) { try Announcement(datagram: flipped) }
        #expect(throws: WireError.self) { try Announcement(datagram: Array(bytes.dropLast(8))) }
    }

    @Test("Random and mutated datagrams never crash the decoder")
    func mutations() {
        var generator = SeededGenerator(seed: 21)
        let valid = announcement.encoded()
        var accepted = 0
        for round in 0..<20_000 {
            var bytes = valid
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
            }
            if (try? Announcement(datagram: bytes)) != nil { accepted += 1 }
        }
        // Only mutations that left the bytes unchanged survive the CRC.
        #expect(accepted < 100)
    }
}

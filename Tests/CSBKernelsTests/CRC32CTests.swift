import CSBKernels
import Testing

@Suite("Hardware CRC-32C kernel")
struct CRC32CTests {
    /// The standard check value, CRC-32C("123456789") = 0xE3069283, and 32 zero bytes (RFC 3720).
    @Test("Published vectors", .enabled(if: sb_crc32c_hardware_available() != 0, "no CRC-32C instruction"))
    func vectors() {
        func crc(_ bytes: [UInt8]) -> UInt32 {
            ~bytes.withUnsafeBytes { sb_crc32c_hardware_update(0xFFFF_FFFF, $0.baseAddress, $0.count) }
        }
        #expect(crc(Array("123456789".utf8)) == 0xE306_9283)
        #expect(crc([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        // Long enough for the three-stream path: 40,000 bytes of 0xFF, checked against a bitwise CRC.
        let long = [UInt8](repeating: 0xFF, count: 40_000)
        #expect(crc(long) == bitwise(long))
    }

    private func bitwise(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }
}

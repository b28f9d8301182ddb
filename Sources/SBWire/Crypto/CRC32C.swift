import CSBKernels

/// CRC-32C (Castagnoli), the checksum every frame and discovery datagram carries.
///
/// Castagnoli's polynomial detects more error patterns in the frame sizes used here than the
/// zlib CRC-32, and many CPUs have an instruction for it, so a peer in another language gets a
/// fast implementation for free. Where the CPU has one (x86-64 with SSE 4.2), it is used, chosen
/// at run time, and where AVX-512 has carry-less multiplication (VPCLMULQDQ) long inputs are folded
/// with that instead, at memory bandwidth; elsewhere the portable Swift path runs: table-driven
/// slicing-by-8, which consumes eight bytes per step with eight table look-ups instead of one per byte.
///
/// ```swift
/// var crc = CRC32C()
/// crc.update(Array("12345".utf8))
/// crc.update(Array("6789".utf8))
/// crc.value                                   // 0xE3069283, same as CRC32C.checksum("123456789")
/// ```
public struct CRC32C: Sendable, Equatable {
    /// How the checksum is computed; every implementation gives the same values.
    public enum Implementation: Sendable, Equatable {
        /// The CPU's CRC-32C instruction where there is one, else ``portable``.
        case automatic
        /// Table-driven Swift, on every platform.
        case portable
    }

    /// Whether ``Implementation/automatic`` uses a CPU instruction on this machine.
    public static let hasHardwareSupport = sb_crc32c_hardware_available() != 0

    /// The running register, pre-inverted as the algorithm specifies.
    private var register: UInt32 = 0xFFFF_FFFF
    private let usesHardware: Bool

    /// Creates a checksum of zero bytes.
    ///
    /// - Parameter implementation: ``Implementation/portable`` forces the Swift path, for tests
    ///   that check both against the same vectors.
    public init(implementation: Implementation = .automatic) {
        usesHardware = implementation == .automatic && Self.hasHardwareSupport
    }

    /// The checksum of everything fed so far.
    public var value: UInt32 { ~register }

    /// Feeds more bytes into the checksum.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if usesHardware {
            guard let base = bytes.baseAddress else { return }
            register = sb_crc32c_hardware_update(register, base, bytes.count)
            return
        }
        register = Self.tables.withUnsafeBufferPointer { tables in
            Self.advance(register, bytes, tables)
        }
    }

    /// Feeds more bytes into the checksum.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>, implementation: Implementation = .automatic) -> UInt32
    {
        var crc = CRC32C(implementation: implementation)
        crc.update(bytes)
        return crc.value
    }

    /// The reflected form of the Castagnoli polynomial 0x1EDC6F41.
    private static let polynomial: UInt32 = 0x82F6_3B78

    /// Eight 256-entry tables, flattened: table `k` gives the CRC contribution of a byte that is
    /// followed by `k` zero bytes, which is what lets eight bytes be folded in at once.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for table in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(table - 1) * 256 + byte]
                tables[table * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    private static func advance(
        _ start: UInt32, _ bytes: UnsafeRawBufferPointer, _ t: UnsafeBufferPointer<UInt32>
    ) -> UInt32 {
        var crc = start
        var offset = 0
        let count = bytes.count
        while count - offset >= 8 {
            let low = crc ^ UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            crc =
                t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
            offset += 8
        }
        while offset < count {
            crc = (crc >> 8) ^ t[Int((crc ^ UInt32(bytes[offset])) & 0xFF)]
            offset += 1
        }
        return crc
    }
}

import SBTensor
import SBWire
import Testing

@Suite("CRC-32C, SHA-256, HMAC-SHA256 and HKDF against published vectors")
struct CryptoTests {
    @Test(
        "CRC-32C check value and the RFC 3720 (iSCSI) examples",
        arguments: [CRC32C.Implementation.automatic, .portable])
    func crc32cVectors(implementation: CRC32C.Implementation) {
        func crc(_ bytes: [UInt8]) -> UInt32 { CRC32C.checksum(bytes, implementation: implementation) }
        #expect(crc(utf8("123456789")) == 0xE306_9283)
        #expect(crc([]) == 0)
        #expect(crc([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(crc([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(crc(Array(0..<32)) == 0x46DD_794E)
        #expect(crc(Array((0..<32).reversed())) == 0x113F_DB5C)
    }

    @Test(
        "Both CRC-32C paths match a bit-at-a-time CRC at every length, offset and split",
        arguments: [CRC32C.Implementation.automatic, .portable])
    func crc32cMatchesReference(implementation: CRC32C.Implementation) {
        var generator = SeededGenerator(seed: 11)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for length in 0..<80 {
            for offset in 0..<9 {
                let slice = data[offset..<offset + length]
                #expect(CRC32C.checksum(slice, implementation: implementation) == referenceCRC32C(slice))
            }
        }
        for split in 0...data.count {
            var crc = CRC32C(implementation: implementation)
            crc.update(data[..<split])
            crc.update(data[split...])
            #expect(crc.value == referenceCRC32C(data[...]))
        }
    }

    @Test("The hardware CRC-32C's long-input paths agree with the portable one")
    func crc32cLongInputs() {
        var generator = SeededGenerator(seed: 12)
        let data = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Around the folding kernel's 512-byte threshold and 256-byte steps, and multiples of the
        // 6 × 2048-byte interleaved stride, at unaligned offsets.
        for length in [511, 512, 575, 767, 12_287, 12_288, 12_289, 24_576, 36_871, 99_993] {
            for offset in [0, 1, 7] {
                let slice = data[offset..<offset + length]
                #expect(CRC32C.checksum(slice) == CRC32C.checksum(slice, implementation: .portable))
            }
        }
    }

    @Test(
        "SHA-256 of the FIPS 180-4 examples and the empty message",
        arguments: [SHA256.Implementation.automatic, .portable])
    func sha256Vectors(implementation: SHA256.Implementation) {
        func hash(_ bytes: [UInt8]) -> [UInt8] { SHA256.hash(bytes, implementation: implementation) }
        #expect(
            hash(utf8("abc"))
                == bytes(hex: "ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad"))
        #expect(
            hash(utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == bytes(hex: "248d6a61 d20638b8 e5c02693 0c3e6039 a33ce459 64ff2167 f6ecedd4 19db06c1"))
        #expect(
            hash(
                utf8(
                    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                        + "mnopqrstnopqrstu"))
                == bytes(hex: "cf5b16a7 78af8380 036ce59e 7b049237 0b249b11 e8f07a51 afac4503 7afee9d1"))
        #expect(
            hash([UInt8]())
                == bytes(hex: "e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b 7852b855"))
    }

    @Test("SHA-256 of one million 'a', fed in uneven pieces", arguments: [SHA256.Implementation.automatic, .portable])
    func sha256MillionA(implementation: SHA256.Implementation) {
        let block = [UInt8](repeating: 0x61, count: 999)
        var hash = SHA256(implementation: implementation)
        var fed = 0
        while fed < 1_000_000 {
            let count = min(block.count - fed % 7, 1_000_000 - fed)
            hash.update(block[..<count])
            fed += count
        }
        #expect(
            hash.finalized() == bytes(hex: "cdc76e5c 9914fb92 81a1c7e2 84d73e67 f1809a48 a497200e 046d39cc c7112cd0"))
    }

    @Test("Incremental hashing matches one-shot hashing at every split around block boundaries")
    func sha256Incremental() {
        let data = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let expected = SHA256.hash(data)
        for split in 0...data.count {
            var hash = SHA256()
            hash.update(data[..<split])
            #expect(hash.finalized() == SHA256.hash(data[..<split]))
            hash.update(data[split...])
            #expect(hash.finalized() == expected)
        }
    }

    static let rfc4231: [(key: [UInt8], data: [UInt8], tag: String)] = [
        (
            [UInt8](repeating: 0x0B, count: 20), utf8("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            utf8("Jefe"), utf8("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            [UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            Array(1...25), [UInt8](repeating: 0xCD, count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        // Test case 5 publishes the tag truncated to 128 bits.
        ([UInt8](repeating: 0x0C, count: 20), utf8("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"),
        (
            [UInt8](repeating: 0xAA, count: 131), utf8("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            [UInt8](repeating: 0xAA, count: 131),
            utf8(
                "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
                    + "to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test("HMAC-SHA256 of RFC 4231 test cases 1–7", arguments: 0..<7)
    func hmacVectors(testCase: Int) {
        let (key, data, tag) = Self.rfc4231[testCase]
        let expected = bytes(hex: tag)
        #expect(Array(HMACSHA256.authenticationCode(for: data, key: key).prefix(expected.count)) == expected)
    }

    @Test("HKDF-SHA256 of RFC 5869 test case 1")
    func hkdfVector() {
        let prk = HKDF.extract(salt: Array(0...12), inputKeyMaterial: [UInt8](repeating: 0x0B, count: 22))
        #expect(prk == bytes(hex: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"))
        let okm = HKDF.expand(pseudoRandomKey: prk, info: Array(0xF0...0xF9), outputByteCount: 42)
        #expect(
            okm
                == bytes(
                    hex: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"))
    }

    @Test("Constant-time comparison agrees with ==")
    func constantTime() {
        let tag = SHA256.hash(utf8("tag"))
        #expect(ConstantTime.equals(tag, tag))
        for index in tag.indices {
            var forged = tag
            forged[index] ^= 0x01
            #expect(!ConstantTime.equals(tag, forged))
        }
        #expect(!ConstantTime.equals(tag, Array(tag.dropLast())))
        #expect(ConstantTime.equals([], []))
    }
}

/// The CRC-32C definition, one bit at a time: the slow, obviously correct reference.
private func referenceCRC32C(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
        }
    }
    return ~crc
}

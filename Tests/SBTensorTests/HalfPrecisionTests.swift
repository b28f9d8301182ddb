import SBTensor
import Testing

@Suite("Float ↔ float16 by bit manipulation")
struct HalfPrecisionTests {
    static let boundaryValues: [(value: Float, bits: UInt16)] = [
        (1, 0x3C00),
        (-2, 0xC000),
        (0, 0x0000),
        (-0.0, 0x8000),
        (65504, 0x7BFF),  // the largest half
        (65519.996, 0x7BFF),  // just below the midpoint to infinity
        (65520, 0x7C00),  // the midpoint rounds to even, which is infinity
        (1e10, 0x7C00),
        (-1e10, 0xFC00),
        (.infinity, 0x7C00),
        (-.infinity, 0xFC00),
        (0x1p-14, 0x0400),  // the smallest normal
        (0x1p-24, 0x0001),  // the smallest subnormal
        (0x3FFp-24, 0x03FF),  // the largest subnormal
        (0x1p-25, 0x0000),  // half the smallest subnormal: a tie, to even (zero)
        (Float(0x1p-25).nextUp, 0x0001),
        (-0x1p-26, 0x8000),  // underflow keeps the sign
        (0x3p-25, 0x0002),  // 1.5 subnormal steps: a tie, to even (2)
        (1 + 0x1p-11, 0x3C00),  // a tie between 1 and its successor, to even (1)
        (1 + 0x3p-11, 0x3C02),  // a tie, to even (the upper neighbour)
        (Float(1 + 0x1p-11).nextUp, 0x3C01),
        (0x7FFp-25, 0x0400),  // the largest subnormal plus half a step rounds up into the normals
    ]

    @Test("Edge cases: rounding ties, overflow, subnormals, signed zero, infinity", arguments: boundaryValues)
    func edgeCases(value: Float, expected: UInt16) {
        #expect(HalfPrecision.bits(value) == expected, "\(value)")
    }

    @Test("NaN stays NaN, quiet, with its sign")
    func notANumber() {
        for nan in [Float.nan, -Float.nan, Float.signalingNaN, Float(bitPattern: 0x7F80_0001)] {
            let bits = HalfPrecision.bits(nan)
            #expect(bits & 0x7C00 == 0x7C00 && bits & 0x0200 != 0)
            #expect(bits & 0x8000 == UInt16(nan.bitPattern >> 16) & 0x8000)
            #expect(HalfPrecision.float(bits: bits).isNaN)
        }
    }

    @Test("Every one of the 65,536 halves widens exactly and narrows back to itself")
    func exhaustiveRoundTrip() {
        for bits in UInt16.min...UInt16.max {
            let value = HalfPrecision.float(bits: bits)
            if value.isNaN {
                #expect(HalfPrecision.bits(value) | 0x0200 == bits | 0x0200)
            } else {
                #expect(HalfPrecision.bits(value) == bits)
            }
        }
    }

    #if !(os(macOS) && arch(x86_64))
        @Test("Agrees with the platform's Float16 conversion on random floats of every magnitude")
        func agreesWithFloat16() {
            var generator = SeededGenerator(seed: 16)
            for _ in 0..<200_000 {
                let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
                guard !value.isNaN else { continue }
                #expect(HalfPrecision.bits(value) == Float16(value).bitPattern, "\(value)")
            }
            // Floats near the half range, where most of the rounding cases live.
            for _ in 0..<200_000 {
                let value = Float(bitPattern: UInt32.random(in: 0x3300_0000...0x4780_0000, using: &generator))
                #expect(HalfPrecision.bits(value) == Float16(value).bitPattern, "\(value)")
            }
        }
    #endif
}

/// Conversions between `Float` and IEEE 754 binary16 bit patterns.
///
/// Done with integer operations rather than Swift's `Float16`, which does not exist on Intel
/// Macs, so every platform produces bit-identical float16 tensors.
public enum HalfPrecision {
    /// The binary16 value nearest to `value`, ties to even, as a bit pattern.
    ///
    /// Magnitudes beyond the largest half (65504, or from 65520 after rounding) become infinity;
    /// magnitudes below half the smallest subnormal (2⁻²⁵) become signed zero. NaN stays NaN,
    /// quiet, with the sign and the top mantissa bits kept.
    public static func bits(_ value: Float) -> UInt16 {
        let pattern = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (pattern >> 16) & 0x8000)
        let exponent = Int((pattern >> 23) & 0xFF)
        let mantissa = pattern & 0x7F_FFFF
        if exponent == 0xFF {
            // The quiet bit keeps a NaN whose payload sits in the dropped low bits from becoming infinity.
            return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        // Rebias from Float's 127 to binary16's 15.
        let halfExponent = exponent - 112
        if halfExponent >= 0x1F {
            return sign | 0x7C00
        }
        if halfExponent >= 1 {
            let truncated = UInt32(halfExponent) << 10 | mantissa >> 13
            // A carry out of the mantissa correctly bumps the exponent, up to infinity.
            return sign | UInt16(roundHalfEven(truncated, remainder: mantissa & 0x1FFF, halfway: 0x1000))
        }
        if halfExponent < -10 {
            return sign
        }
        // Subnormal: the value is significand × 2^(exponent − 150) and a half subnormal step is 2⁻²⁴.
        let significand = mantissa | 0x80_0000
        let shift = UInt32(14 - halfExponent)
        let remainder = significand & ((1 << shift) - 1)
        return sign | UInt16(roundHalfEven(significand >> shift, remainder: remainder, halfway: 1 << (shift - 1)))
    }

    /// The `Float` a binary16 bit pattern stands for; exact, since every half is a float.
    public static func float(bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    private static func roundHalfEven(_ truncated: UInt32, remainder: UInt32, halfway: UInt32) -> UInt32 {
        remainder > halfway || (remainder == halfway && truncated & 1 == 1) ? truncated + 1 : truncated
    }
}

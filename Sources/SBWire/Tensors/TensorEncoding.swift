/// How a tensor's values are written on the wire; the raw value is the dtype byte.
///
/// float32 is exact. float16 halves the size and keeps about three significant decimal digits
/// (values beyond ±65504 become infinite). int8 quarters the size with one affine scale and zero
/// point per tensor: every value is within one quantization step (`scale`) of the original, and
/// zero stays exactly zero, which suits weights and weight deltas but not tensors holding NaN or
/// infinity.
public enum TensorEncoding: UInt8, Sendable, CaseIterable {
    /// IEEE 754 binary32, little-endian.
    case float32 = 1
    /// IEEE 754 binary16, little-endian, rounded to nearest even.
    case float16 = 2
    /// Signed 8-bit integers `q` standing for `scale × (q − zeroPoint)`.
    case int8 = 3

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float32: 4
        case .float16: 2
        case .int8: 1
        }
    }
}

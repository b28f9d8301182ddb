/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes.
    ///
    /// An early-exit comparison of a received MAC against the expected one tells an attacker, by
    /// its timing, how many leading bytes of a forged tag are right; this one always reads every
    /// byte. Lengths are not secret (tags have a fixed size), so unequal lengths return at once.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}

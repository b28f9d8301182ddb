/// Lowercase hexadecimal, two digits per byte, for identifiers and diagnostics.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

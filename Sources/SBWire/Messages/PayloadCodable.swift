/// A message body that encodes to and decodes from a frame payload.
///
/// Values are validated when created, so `encode(into:)` cannot fail; `init(from:)` reads the
/// fields with bounds checks and then runs the same validation.
protocol PayloadCodable {
    func encode(into writer: inout ByteWriter)
    init(from reader: inout ByteReader) throws(WireError)
}

/// Eight-value chunks of a buffer, so that update loops run on SIMD registers.
///
/// The last chunk of a buffer whose count is not a multiple of 8 is read zero-padded and written
/// back only where the buffer has values, so one loop body serves every length.
typealias UpdateChunk = SIMD8<Float>

extension UnsafeBufferPointer<Float> {
    /// The 8 values from `index`, zeros past the end.
    @inline(__always)
    func chunk(at index: Int) -> UpdateChunk {
        if index + UpdateChunk.scalarCount <= count {
            return UnsafeRawPointer(baseAddress! + index).loadUnaligned(as: UpdateChunk.self)
        }
        var chunk = UpdateChunk()
        for lane in 0..<(count - index) { chunk[lane] = self[index + lane] }
        return chunk
    }
}

extension UnsafeMutableBufferPointer<Float> {
    /// The 8 values from `index`, zeros past the end.
    @inline(__always)
    func chunk(at index: Int) -> UpdateChunk {
        UnsafeBufferPointer(self).chunk(at: index)
    }

    /// Writes the lanes of `chunk` that fall inside the buffer, from `index`.
    @inline(__always)
    func setChunk(_ chunk: UpdateChunk, at index: Int) {
        if index + UpdateChunk.scalarCount <= count {
            UnsafeMutableRawPointer(baseAddress! + index).storeBytes(of: chunk, as: UpdateChunk.self)
        } else {
            for lane in 0..<(count - index) { self[index + lane] = chunk[lane] }
        }
    }
}

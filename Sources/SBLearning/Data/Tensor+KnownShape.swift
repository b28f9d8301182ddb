import SBTensor

extension Tensor {
    /// Reshapes when the caller has already made sure the element count matches.
    func reshapedKnowingCount(_ newShape: [Int]) -> Tensor {
        do {
            return try reshaped(newShape)
        } catch {
            fatalError(error.description)
        }
    }
}

import SBTensor

extension Module {
    /// Throws ``ModuleError/inputShapeMismatch(module:expected:got:)`` unless `axis` (negative
    /// counts from the end) names a dimension of `input`, for layers that work along an axis.
    func validate(axis: Int, of input: Tensor) throws(ModuleError) {
        guard (-input.rank..<input.rank).contains(axis) else {
            let minimumRank = axis < 0 ? -axis : axis + 1
            throw .inputShapeMismatch(module: description, expected: "rank ≥ \(minimumRank)", got: input.shape)
        }
    }
}

/// An error from creating or reshaping a tensor, with a message that names the problem.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape with a negative dimension, or more than one `-1` in a reshape.
    case invalidShape([Int])
    /// The number of values does not fill the shape.
    case countMismatch(shape: [Int], count: Int)
    /// Rows of a two-dimensional literal have different lengths.
    case raggedRows(row: Int, count: Int, expected: Int)
    /// Two shapes that the operation cannot combine.
    case shapeMismatch(operation: String, [Int], [Int])
    /// An axis outside `-rank..<rank`.
    case invalidAxis(axis: Int, rank: Int)
    /// An index outside the dimension it indexes.
    case indexOutOfRange(index: Int, count: Int)

    public var description: String {
        switch self {
        case .invalidShape(let shape):
            return "invalid shape \(shape): dimensions must be non-negative (a reshape may use one -1)"
        case .countMismatch(let shape, let count) where shape.contains(-1):
            // A reshape's inferred dimension: the known ones must divide the count.
            let known = shape.filter { $0 != -1 }.reduce(1, *)
            return "shape \(shape) cannot hold \(count) values: \(count) is not a multiple of \(known)"
        case .countMismatch(let shape, let count):
            return "shape \(shape) holds \(Shape.count(shape)) values, but \(count) were given"
        case .raggedRows(let row, let count, let expected):
            return "row \(row) has \(count) values, but the first row has \(expected)"
        case .shapeMismatch(let operation, let lhs, let rhs):
            return "\(operation): shapes \(lhs) and \(rhs) are not compatible"
        case .invalidAxis(let axis, let rank):
            return "axis \(axis) is out of range for a tensor of rank \(rank)"
        case .indexOutOfRange(let index, let count):
            return "index \(index) is out of range for a dimension of size \(count)"
        }
    }
}

/// Shape arithmetic shared by the tensor operations.
@usableFromInline
enum Shape {
    @usableFromInline
    static func count(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    static func validate(_ shape: [Int]) throws(TensorError) {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .invalidShape(shape) }
    }

    /// Row-major strides of a contiguous tensor of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }

    /// Resolves a possibly negative axis (`-1` is the last) against `rank`.
    static func normalize(axis: Int, rank: Int) throws(TensorError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else { throw .invalidAxis(axis: axis, rank: rank) }
        return resolved
    }

    /// The shape two operands broadcast to under NumPy's rules, or nil when they cannot.
    static func broadcast(_ lhs: [Int], _ rhs: [Int]) -> [Int]? {
        let rank = max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for index in 0..<rank {
            let l = index < rank - lhs.count ? 1 : lhs[index - (rank - lhs.count)]
            let r = index < rank - rhs.count ? 1 : rhs[index - (rank - rhs.count)]
            if l == r || r == 1 {
                result[index] = l
            } else if l == 1 {
                result[index] = r
            } else {
                return nil
            }
        }
        return result
    }
}

/// Stops with a message naming the operation and both shapes; used where a mismatch is a
/// programming error rather than bad input (see ``Tensor``'s discussion of shape errors).
func shapePrecondition(
    _ condition: Bool, _ operation: String, _ lhs: [Int], _ rhs: [Int],
    file: StaticString = #fileID, line: UInt = #line
) {
    require(condition, TensorError.shapeMismatch(operation: operation, lhs, rhs).description, file: file, line: line)
}

extension Int {
    /// Resolves an axis that the caller guarantees is valid, stopping with a clear message otherwise.
    func normalizedAxis(rank: Int) -> Int {
        do {
            return try Shape.normalize(axis: self, rank: rank)
        } catch {
            fatalError(error.description)
        }
    }
}

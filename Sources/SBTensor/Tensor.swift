/// An n-dimensional array of `Float` values in row-major order, with reverse-mode autograd.
///
/// `Tensor` is a value type: copies share storage until one of them is mutated (copy-on-write),
/// so passing tensors between functions and tasks is cheap and safe.
///
/// A tensor that takes part in a computation whose inputs require gradients carries a reference to
/// the autograd graph that produced it; ``backward()`` walks that graph and accumulates gradients
/// into the leaves (tensors made with ``requiringGrad()``, such as a module's parameters).
///
/// ```swift
/// let w = Tensor.randn([3, 2], seed: 1).requiringGrad()
/// let x = try Tensor(shape: [4, 3], scalars: (0..<12).map(Float.init))
/// let loss = (x.matmul(w)).square().mean()
/// loss.backward()
/// print(w.grad!.shape)   // [3, 2]
/// ```
///
/// Shape errors: initialisers and reshapes that take user data throw ``TensorError``. Arithmetic on
/// tensors of incompatible shapes is a programming error, like an out-of-range array index, and
/// stops the program with a message that names both shapes; layers validate their inputs first
/// and throw (see `Module.forward(_:)` in SBLearning).
public struct Tensor: Sendable {
    /// The values, row-major. Shared between copies until written (Array's copy-on-write).
    @usableFromInline var storage: [Float]
    /// The size of each dimension; empty for a scalar.
    public private(set) var shape: [Int]
    /// The autograd node that produced this tensor, or its leaf node; nil when no gradient flows.
    @usableFromInline var node: AutogradNode?

    @usableFromInline
    init(uncheckedShape shape: [Int], storage: [Float], node: AutogradNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// Creates a tensor with the given shape from row-major values.
    ///
    /// - Throws: ``TensorError/invalidShape(_:)`` for a negative dimension,
    ///   ``TensorError/countMismatch(shape:count:)`` when `scalars.count` is not the shape's
    ///   element count.
    public init(shape: [Int], scalars: [Float]) throws(TensorError) {
        try Shape.validate(shape)
        let expected = Shape.count(shape)
        guard expected == scalars.count else {
            throw .countMismatch(shape: shape, count: scalars.count)
        }
        self.init(uncheckedShape: shape, storage: scalars)
    }

    /// Creates a one-dimensional tensor from its values.
    public init(_ scalars: [Float]) {
        self.init(uncheckedShape: [scalars.count], storage: scalars)
    }

    /// Creates a two-dimensional tensor from rows of equal length.
    ///
    /// - Throws: ``TensorError/raggedRows(row:count:expected:)`` naming the first row whose length
    ///   differs from the first row's.
    public init(rows: [[Float]]) throws(TensorError) {
        let width = rows.first?.count ?? 0
        var storage: [Float] = []
        storage.reserveCapacity(rows.count * width)
        for (index, row) in rows.enumerated() {
            guard row.count == width else { throw .raggedRows(row: index, count: row.count, expected: width) }
            storage.append(contentsOf: row)
        }
        self.init(uncheckedShape: [rows.count, width], storage: storage)
    }

    /// Creates a scalar (zero-dimensional) tensor.
    public init(_ scalar: Float) {
        self.init(uncheckedShape: [], storage: [scalar])
    }

    /// The values in row-major order.
    public var scalars: [Float] { storage }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { storage.count }

    /// The only value of a tensor with one element.
    public var item: Float {
        require(storage.count == 1, "item needs a tensor with one element, shape is \(shape)")
        return storage[0]
    }

    /// Calls `body` with the values, row-major, without copying them.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Overwrites the values in place, keeping the shape and, for a leaf, its gradient identity.
    ///
    /// This is how optimizers update parameters. Graphs recorded earlier keep the old values
    /// (copy-on-write), so an update never corrupts a pending backward pass.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// Replaces the values with `other`'s, keeping this tensor's autograd identity.
    ///
    /// - Throws: ``TensorError/shapeMismatch(operation:_:_:)`` if the shapes differ.
    public mutating func assign(_ other: Tensor) throws(TensorError) {
        guard other.shape == shape else { throw .shapeMismatch(operation: "assign", shape, other.shape) }
        storage = other.storage
    }
}

extension Tensor: Equatable {
    /// Two tensors are equal when their shapes and values are; autograd state is ignored.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.storage == rhs.storage
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let limit = 8
        let shown = storage.prefix(limit).map { String($0) }.joined(separator: ", ")
        let more = storage.count > limit ? ", … (\(storage.count) values)" : ""
        return "Tensor(shape: \(shape), [\(shown)\(more)])"
    }
}

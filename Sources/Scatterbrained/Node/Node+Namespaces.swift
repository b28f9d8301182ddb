extension Node {
    /// Opens a namespace with `model` as its initial model, runs `body` with it, and closes it.
    ///
    /// The namespace takes a copy of the model's architecture and weights; it trains and serves its own
    /// module, so the caller's `model` is not changed (read the trained one from ``Namespace/model``).
    /// The node announces the namespace and answers model requests for it until `body` ends.
    ///
    /// ```swift
    /// try await node.namespace("MyFirstNamespace", model: Linear(10, 1), optimizer: { AdamW($0.parameters) }) { ns in
    ///     try await ns.train(epochs: 10, train: trainLoader, validation: validLoader)
    ///     try await ns.serve(for: .seconds(30))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The namespace's name, 1 to 255 bytes of UTF-8; peers join by it.
    ///   - model: The initial model; every layer must describe itself (all built-in layers do).
    ///   - optimizer: Makes the optimizer for the namespace's module.
    ///   - body: The work to do in the namespace.
    /// - Returns: What `body` returns.
    /// - Throws: ``NodeError`` (an invalid name or model, a namespace already open, a stopped node),
    ///   or what `body` throws.
    public nonisolated(nonsending) func namespace<Result>(
        _ name: String, model: Module, optimizer: @escaping OptimizerFactory,
        _ body: nonisolated(nonsending) (Namespace) async throws -> Result
    ) async throws -> Result {
        let initial: PublishedModel
        do {
            initial = try PublishedModel(try ModelSnapshot(model), version: 1, sampleCount: 0)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError.invalidModel("\(error)")
        }
        return try await open(name, model: initial, optimizer: optimizer, body)
    }

    /// Joins a namespace by its name alone, runs `body` in it, and leaves.
    ///
    /// The namespace starts without a model: ``Namespace/syncModel(timeout:)`` downloads the newest
    /// one from a peer, after which the node trains and serves it like any other.
    ///
    /// ```swift
    /// try await node.join("MyFirstNamespace") { ns in
    ///     try await ns.syncModel()
    ///     try await ns.serve()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The namespace's name.
    ///   - optimizer: Makes the optimizer if this node trains the downloaded model; AdamW by default.
    ///   - body: The work to do in the namespace.
    /// - Returns: What `body` returns.
    /// - Throws: ``NodeError``, or what `body` throws.
    public nonisolated(nonsending) func join<Result>(
        _ name: String, optimizer: @escaping OptimizerFactory = { AdamW($0.parameters) },
        _ body: nonisolated(nonsending) (Namespace) async throws -> Result
    ) async throws -> Result {
        try await open(name, model: nil, optimizer: optimizer, body)
    }

    private nonisolated(nonsending) func open<Result>(
        _ name: String, model: PublishedModel?, optimizer: @escaping OptimizerFactory,
        _ body: nonisolated(nonsending) (Namespace) async throws -> Result
    ) async throws -> Result {
        guard (1...255).contains(name.utf8.count) else { throw NodeError.invalidNamespaceName(name) }
        let board = ModelBoard(name: name, model: model, filter: .allowAll)
        try await runtime.open(board)
        let namespace = Namespace(name: name, board: board, runtime: runtime, optimizer: optimizer)
        do {
            let result = try await body(namespace)
            await runtime.close(name)
            return result
        } catch {
            await runtime.close(name)
            throw error
        }
    }
}

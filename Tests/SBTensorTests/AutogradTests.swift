import SBTensor
import Testing

@Suite("Autograd")
struct AutogradTests {
    @Test("Leaves, recorded results and constants")
    func requiresGrad() {
        let constant = Tensor([1, 2])
        let leaf = constant.requiringGrad()
        #expect(!constant.requiresGrad && !constant.isLeaf)
        #expect(leaf.requiresGrad && leaf.isLeaf)
        let result = leaf * constant
        #expect(result.requiresGrad && !result.isLeaf)
        #expect(!(constant * constant).requiresGrad)
        #expect(leaf.grad == nil)
    }

    @Test("Gradients accumulate across backward calls until zeroGrad")
    func accumulation() {
        let w = Tensor([1, 2, 3]).requiringGrad()
        (w * 3).sum().backward()
        #expect(w.grad?.scalars == [3, 3, 3])
        (w * w).sum().backward()
        #expect(w.grad?.scalars == [5, 7, 9])
        w.zeroGrad()
        #expect(w.grad == nil)
        (w * 2).sum().backward()
        #expect(w.grad?.scalars == [2, 2, 2])
    }

    @Test("Paths that branch and join add their gradients")
    func diamond() {
        let a = Tensor([1, 2]).requiringGrad()
        let b = a * 2
        let c = a * 3
        (b * c + b).sum().backward()
        // d/da (6a² + 2a) = 12a + 2
        #expect(a.grad?.scalars == [14, 26])
    }

    @Test("backward(gradient:) seeds a non-scalar output")
    func seededBackward() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        (x * x).backward(gradient: Tensor([1, 10, 100]))
        #expect(x.grad?.scalars == [2, 40, 600])
    }

    @Test("A leaf that the output does not depend on gets no gradient")
    func unusedLeaf() {
        let used = Tensor([1]).requiringGrad()
        let unused = Tensor([1]).requiringGrad()
        _ = unused * 2
        (used * 2).sum().backward()
        #expect(unused.grad == nil)
    }

    @Test("withNoGrad records nothing and restores recording afterwards")
    func noGrad() async {
        let w = Tensor([1, 2]).requiringGrad()
        let inside = withNoGrad { () -> Tensor in
            #expect(!Autograd.isEnabled)
            return w * 2
        }
        #expect(!inside.requiresGrad)
        #expect(Autograd.isEnabled)
        #expect((w * 2).requiresGrad)
        let asynchronous = await withNoGrad { () async -> Tensor in
            await Task.yield()
            return w.exp()
        }
        #expect(!asynchronous.requiresGrad)
    }

    @Test("detached cuts the graph: no gradient flows through it")
    func detached() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        #expect(!x.detached().requiresGrad)
        #expect(x.detached() == x)
        (x * x.detached()).sum().backward()
        #expect(x.grad?.scalars == [1, 2, 3])
    }

    @Test("Copies share nothing observable: mutating one leaves the other unchanged")
    func copyOnWrite() throws {
        let original = Tensor([1, 2, 3])
        var copy = original
        copy.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(original.scalars == [1, 2, 3])
        #expect(copy.scalars == [100, 2, 3])
        var assigned = original
        try assigned.assign(Tensor([7, 8, 9]))
        #expect(original.scalars == [1, 2, 3])
        // A reshape shares its source's storage until one of them is written.
        var reshaped = original.flattened()
        reshaped.withUnsafeMutableBufferPointer { $0[1] = -1 }
        #expect(original.scalars == [1, 2, 3])
    }

    @Test("Updating a leaf in place does not change a graph recorded before")
    func inPlaceUpdateAfterForward() {
        var w = Tensor([1, 2, 3]).requiringGrad()
        let loss = (w * w).sum()
        w.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = 0 }
        }
        loss.backward()
        #expect(w.grad?.scalars == [2, 4, 6])
        #expect(w.scalars == [0, 0, 0])
    }

    @Test("A deep chain of operations back-propagates without exhausting the stack")
    func deepGraph() {
        let x = Tensor([1]).requiringGrad()
        var y = x
        for _ in 0..<20_000 { y = y + 1 }
        y.sum().backward()
        #expect(x.grad?.scalars == [1])
        #expect(y.item == 20_001)
    }

    @Test("Backward passes on concurrent tasks accumulate into a shared leaf")
    func concurrentBackward() async {
        let w = Tensor.ones([64]).requiringGrad()
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { (w * Float(task)).sum().backward() }
            }
        }
        #expect(w.grad?.scalars == [Float](repeating: 28, count: 64))
    }
}

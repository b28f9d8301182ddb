import SBTensor
import Testing

@Suite("GlobalRandom")
struct GlobalRandomTests {
    @Test("withSeed gives the same draws whatever other tasks draw meanwhile")
    func scopedSeedIsIsolated() async {
        let reference = GlobalRandom.withSeed(5) { Tensor.randn([64], seed: nil) }
        let (scoped, _) = await (
            GlobalRandom.withSeed(5) { () async -> Tensor in
                await Task.yield()
                return Tensor.randn([64], seed: nil)
            },
            Task.detached { (0..<1_000).map { _ in GlobalRandom.nextSeed() } }.value
        )
        #expect(scoped == reference)
        #expect(GlobalRandom.withSeed(6) { Tensor.randn([64], seed: nil) } != reference)
    }
}

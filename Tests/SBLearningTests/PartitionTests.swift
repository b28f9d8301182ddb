import SBLearning
import SBTensor
import Testing

@Suite("Partitioner")
struct PartitionTests {
    /// 10 classes of 60 samples each, interleaved: sample i has label i % 10.
    private let labels = (0..<600).map { $0 % 10 }

    private func expectDisjointCover(_ parts: [[Int]], count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<count), sourceLocation: sourceLocation)
    }

    /// The mean, over non-empty parts, of the share of a part's samples in its most common class.
    private func meanLargestClassShare(_ parts: [[Int]]) -> Double {
        let shares = parts.filter { !$0.isEmpty }.map { part -> Double in
            let counts = Dictionary(grouping: part, by: { labels[$0] }).mapValues(\.count)
            return Double(counts.values.max() ?? 0) / Double(part.count)
        }
        return shares.reduce(0, +) / Double(shares.count)
    }

    @Test func iidCutsAPermutationIntoNearlyEqualParts() throws {
        let parts = try Partitioner.iid(count: 103, parts: 10, seed: 1)
        #expect(parts.map(\.count) == [11, 11, 11, 10, 10, 10, 10, 10, 10, 10])
        expectDisjointCover(parts, count: 103)
        #expect(parts[0] != Array(0..<11))
        #expect(try Partitioner.iid(count: 103, parts: 10, seed: 1) == parts)
        #expect(try Partitioner.iid(count: 103, parts: 10, seed: 2) != parts)
    }

    @Test(arguments: [0.05, 0.5, 100])
    func dirichletIsAReproducibleDisjointCover(alpha: Double) throws {
        let parts = try Partitioner.dirichlet(labels: labels, parts: 7, alpha: alpha, seed: 3)
        #expect(parts.count == 7)
        expectDisjointCover(parts, count: labels.count)
        #expect(try Partitioner.dirichlet(labels: labels, parts: 7, alpha: alpha, seed: 3) == parts)
        #expect(try Partitioner.dirichlet(labels: labels, parts: 7, alpha: alpha, seed: 4) != parts)
    }

    @Test func smallAlphaSkewsLabelsAndLargeAlphaMixesThem() throws {
        var skewed: [Double] = []
        var mixed: [Double] = []
        for seed in UInt64(0)..<5 {
            skewed.append(
                meanLargestClassShare(try Partitioner.dirichlet(labels: labels, parts: 10, alpha: 0.1, seed: seed)))
            mixed.append(
                meanLargestClassShare(try Partitioner.dirichlet(labels: labels, parts: 10, alpha: 100, seed: seed)))
        }
        let meanSkewed = skewed.reduce(0, +) / 5
        let meanMixed = mixed.reduce(0, +) / 5
        // Evenly mixed parts would have a largest class share of about 0.1.
        #expect(meanSkewed > 0.5, "alpha 0.1: mean largest-class share \(meanSkewed)")
        #expect(meanMixed < 0.2, "alpha 100: mean largest-class share \(meanMixed)")
    }

    @Test func largeAlphaGivesEachPartItsShareOfEveryClass() throws {
        let parts = try Partitioner.dirichlet(labels: labels, parts: 4, alpha: 10_000, seed: 9)
        for part in parts {
            let counts = Dictionary(grouping: part, by: { labels[$0] }).mapValues(\.count)
            // 60 samples per class over 4 parts: 15 each, give or take sampling noise and the cut.
            #expect(counts.count == 10 && counts.values.allSatisfy { (12...18).contains($0) }, "\(counts)")
        }
    }

    @Test func dirichletHandlesTinyAlphaWithoutLosingSamples() throws {
        let parts = try Partitioner.dirichlet(labels: labels, parts: 20, alpha: 0.001, seed: 5)
        expectDisjointCover(parts, count: labels.count)
        // Each class lands almost entirely in one part.
        #expect(meanLargestClassShare(parts) > 0.9)
    }

    @Test func shardsGiveEachPartAtMostItsShardCountOfLabels() throws {
        let parts = try Partitioner.shards(labels: labels, parts: 10, shardsPerPart: 2, seed: 4)
        expectDisjointCover(parts, count: labels.count)
        #expect(parts.allSatisfy { $0.count == 60 })
        for part in parts {
            #expect(Set(part.map { labels[$0] }).count <= 2)
        }
        #expect(try Partitioner.shards(labels: labels, parts: 10, shardsPerPart: 2, seed: 4) == parts)
        #expect(try Partitioner.shards(labels: labels, parts: 10, shardsPerPart: 2, seed: 5) != parts)
    }

    @Test func shardsCoverSampleCountsThatDoNotDivideEvenly() throws {
        let parts = try Partitioner.shards(labels: Array(labels.prefix(97)), parts: 4, shardsPerPart: 3, seed: 0)
        expectDisjointCover(parts, count: 97)
        #expect(parts.allSatisfy { (24...25).contains($0.count) })
    }

    @Test func invalidArgumentsAreReported() {
        #expect(throws: DataError.self) { try Partitioner.iid(count: 10, parts: 0, seed: 0) }
        #expect(throws: DataError.self) { try Partitioner.dirichlet(labels: labels, parts: 3, alpha: 0, seed: 0) }
        #expect(throws: DataError.self) { try Partitioner.dirichlet(labels: labels, parts: 3, alpha: .nan, seed: 0) }
        #expect(throws: DataError.self) { try Partitioner.shards(labels: labels, parts: 3, shardsPerPart: 0, seed: 0) }
        #expect {
            try Partitioner.shards(labels: [0, 1, 2], parts: 2, shardsPerPart: 2, seed: 0)
        } throws: { error in
            guard case .invalidPartition(let reason) = error as? DataError else { return false }
            return reason.contains("only 3 samples")
        }
    }

    @Test func partitionedDatasetsFollowTheIndexLists() throws {
        let digits = try Datasets.digits()
        let parts = try Partitioner.dirichlet(labels: digits.classLabels, parts: 10, alpha: 0.5, seed: 0)
        let clientSets = digits.partitioned(parts)
        #expect(clientSets.map(\.count) == parts.map(\.count))
        #expect(clientSets.map(\.count).reduce(0, +) == 1797)
        let firstPart = try #require(parts.first { !$0.isEmpty })
        let clientSet = try #require(clientSets.first { $0.count > 0 })
        #expect(clientSet.classLabels == firstPart.map { digits.classLabels[$0] })
        #expect(clientSet.features == digits.features.gatherRows(firstPart))
    }
}

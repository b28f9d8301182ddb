import SBTensor

/// Ways to divide a data set among federated clients, from evenly mixed to strongly skewed by
/// label: the standard partitions of federated-learning experiments.
///
/// Each returns one list of sample indices per part; together the lists hold every index exactly
/// once. Turn them into data sets with ``TensorDataset/partitioned(_:)``:
///
/// ```swift
/// let labels = trainSet.classLabels
/// let clientSets = trainSet.partitioned(try Partitioner.dirichlet(labels: labels, parts: 10, alpha: 0.5, seed: 0))
/// ```
///
/// The same seed gives the same partition on every platform.
public enum Partitioner {
    /// Independent and identically distributed parts: a random permutation cut into `parts`
    /// nearly equal pieces (the first `count % parts` parts hold one index more).
    ///
    /// - Throws: ``DataError/invalidPartition(_:)`` when `parts` is below 1 or `count` negative.
    public static func iid(count: Int, parts: Int, seed: UInt64) throws(DataError) -> [[Int]] {
        try requireParts(parts)
        guard count >= 0 else { throw .invalidPartition("the sample count must not be negative, got \(count)") }
        var generator = SeededGenerator(seed: seed)
        return evenPieces(of: generator.permutation(count), count: parts).map(Array.init)
    }

    /// Label-skewed parts: each class is spread over the parts in proportions drawn from a
    /// symmetric Dirichlet distribution, the usual benchmark for non-IID federated data.
    ///
    /// For each class in ascending label order: shuffle its sample indices, draw proportions
    /// `p ~ Dirichlet(alpha · ones(parts))`, and cut the indices at the positions
    /// `⌊cumsum(p) · classCount⌋`, giving piece `k` to part `k`. A small `alpha` (0.1) gives most
    /// parts only a few classes; a large one (100) approaches ``iid(count:parts:seed:)``. As in the
    /// reference procedure, a part may receive no samples at all when `alpha` is small.
    ///
    /// - Parameters:
    ///   - labels: the class label of every sample (see ``TensorDataset/classLabels``).
    ///   - parts: the number of parts (clients).
    ///   - alpha: the Dirichlet concentration, positive.
    ///   - seed: fixes the partition.
    /// - Throws: ``DataError/invalidPartition(_:)`` when `parts` is below 1 or `alpha` is not
    ///   positive and finite.
    public static func dirichlet(labels: [Int], parts: Int, alpha: Double, seed: UInt64) throws(DataError) -> [[Int]] {
        try requireParts(parts)
        guard alpha > 0 && alpha.isFinite else {
            throw .invalidPartition("alpha must be positive and finite, got \(alpha)")
        }
        var generator = SeededGenerator(seed: seed)
        var result = [[Int]](repeating: [], count: parts)
        let byClass = Dictionary(grouping: labels.indices) { labels[$0] }
        for label in byClass.keys.sorted() {
            var members = byClass[label] ?? []
            generator.shuffle(&members)
            let proportions = generator.nextDirichlet(alpha: alpha, count: parts)
            var cumulative = 0.0
            var start = 0
            for part in 0..<parts {
                cumulative += proportions[part]
                // The last piece takes the rest, whatever rounding left in the cumulative sum.
                let cut = part == parts - 1 ? members.count : Int(cumulative * Double(members.count))
                let end = Swift.min(Swift.max(cut, start), members.count)
                result[part] += members[start..<end]
                start = end
            }
        }
        return result
    }

    /// Pathological non-IID parts after McMahan et al. (2017): sort the samples by label, cut them
    /// into `parts · shardsPerPart` contiguous shards of nearly equal size, and deal each part
    /// `shardsPerPart` shards at random.
    ///
    /// A part then holds at most `shardsPerPart` labels when every class's sample count is a
    /// multiple of the shard size; a shard that straddles two classes adds one more.
    ///
    /// - Parameters:
    ///   - labels: the class label of every sample (see ``TensorDataset/classLabels``).
    ///   - parts: the number of parts (clients).
    ///   - shardsPerPart: how many shards each part receives.
    ///   - seed: fixes the partition.
    /// - Throws: ``DataError/invalidPartition(_:)`` when `parts` or `shardsPerPart` is below 1,
    ///   or there are fewer samples than shards.
    public static func shards(
        labels: [Int], parts: Int, shardsPerPart: Int, seed: UInt64
    ) throws(DataError) -> [[Int]] {
        try requireParts(parts)
        guard shardsPerPart >= 1 else {
            throw .invalidPartition("each part needs at least 1 shard, got shardsPerPart \(shardsPerPart)")
        }
        guard shardsPerPart <= labels.count / parts else {
            throw .invalidPartition(
                "\(parts) parts × \(shardsPerPart) shards need at least one sample per shard, "
                    + "but there are only \(labels.count) samples")
        }
        let sorted = labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
        let shards = evenPieces(of: sorted, count: parts * shardsPerPart)
        var generator = SeededGenerator(seed: seed)
        let dealt = generator.permutation(shards.count)
        return (0..<parts).map { part in
            dealt[(part * shardsPerPart)..<((part + 1) * shardsPerPart)].flatMap { shards[$0] }
        }
    }

    private static func requireParts(_ parts: Int) throws(DataError) {
        guard parts >= 1 else { throw .invalidPartition("the number of parts must be at least 1, got \(parts)") }
    }

    /// `values` cut into `count` consecutive pieces whose sizes differ by at most one, larger
    /// pieces first (NumPy's `array_split`).
    private static func evenPieces(of values: [Int], count: Int) -> [ArraySlice<Int>] {
        let (size, larger) = values.count.quotientAndRemainder(dividingBy: count)
        var start = 0
        return (0..<count).map { piece in
            let end = start + size + (piece < larger ? 1 : 0)
            defer { start = end }
            return values[start..<end]
        }
    }
}

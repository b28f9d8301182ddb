import SBTensor

extension TensorDataset {
    /// Splits the samples at random into a training and a test part, like scikit-learn's
    /// `train_test_split(shuffle=True)`.
    ///
    /// The test part holds `ceil(testFraction · count)` samples, scikit-learn's rounding, and the
    /// training part the rest; both keep the random order. The same seed gives the same split.
    ///
    /// ```swift
    /// let (trainSet, validSet) = try Datasets.diabetes().split(testFraction: 0.2, seed: 42)
    /// ```
    ///
    /// - Precondition: `testFraction` lies strictly between 0 and 1; otherwise the program stops
    ///   with the ``DataError/invalidFraction(_:)`` message.
    public func split(testFraction: Double, seed: UInt64) -> (train: TensorDataset, test: TensorDataset) {
        split(testFraction: testFraction, seed: seed, stratified: false)
    }

    /// Splits the samples at random into a training and a test part, optionally keeping each
    /// class's share of the samples in both parts (scikit-learn's `stratify=y`).
    ///
    /// Stratification treats every distinct target row as a class: class-index targets for
    /// classifiers. Each class sends to the test part its proportional share of the
    /// `ceil(testFraction · count)` test samples, rounded down, and the samples left over go to
    /// the classes with the largest remainders, so every class's test count is within one sample
    /// of its exact proportion. Both parts are then shuffled.
    ///
    /// - Parameters:
    ///   - testFraction: the share of samples for the test part, strictly between 0 and 1.
    ///   - seed: fixes the split.
    ///   - stratified: keep class proportions (true) or split uniformly at random (false).
    /// - Precondition: `testFraction` lies strictly between 0 and 1; otherwise the program stops
    ///   with the ``DataError/invalidFraction(_:)`` message.
    public func split(
        testFraction: Double, seed: UInt64, stratified: Bool
    ) -> (train: TensorDataset, test: TensorDataset) {
        guard testFraction > 0 && testFraction < 1 else {
            fatalError(DataError.invalidFraction(testFraction).description)
        }
        let testCount = Int((testFraction * Double(count)).rounded(.up))
        var generator = SeededGenerator(seed: seed)
        let (trainIndices, testIndices) =
            stratified
            ? stratifiedIndices(testCount: testCount, using: &generator)
            : randomIndices(testCount: testCount, using: &generator)
        return (subset(trainIndices), subset(testIndices))
    }

    private func randomIndices(
        testCount: Int, using generator: inout SeededGenerator
    ) -> (train: [Int], test: [Int]) {
        let order = generator.permutation(count)
        return (Array(order[testCount...]), Array(order[..<testCount]))
    }

    private func stratifiedIndices(
        testCount: Int, using generator: inout SeededGenerator
    ) -> (train: [Int], test: [Int]) {
        let classes = samplesByClass()
        let exactShares = classes.map { Double(testCount) * Double($0.count) / Double(count) }
        var shares = exactShares.map { Int($0.rounded(.down)) }
        let leftOver = testCount - shares.reduce(0, +)
        // Ties in the remainder go to the earlier class, so the split depends on the seed alone.
        let byRemainder = shares.indices.sorted { first, second in
            let (a, b) = (exactShares[first] - Double(shares[first]), exactShares[second] - Double(shares[second]))
            return a != b ? a > b : first < second
        }
        for classIndex in byRemainder.prefix(leftOver) { shares[classIndex] += 1 }

        var train: [Int] = []
        var test: [Int] = []
        for (var members, share) in zip(classes, shares) {
            generator.shuffle(&members)
            test += members[..<share]
            train += members[share...]
        }
        generator.shuffle(&train)
        generator.shuffle(&test)
        return (train, test)
    }

    /// The sample indices of each distinct target row, classes in order of first appearance.
    private func samplesByClass() -> [[Int]] {
        let width = count == 0 ? 0 : targets.count / count
        let values = targets.scalars
        var classOf: [ArraySlice<Float>: Int] = [:]
        var members: [[Int]] = []
        for sample in 0..<count {
            let key = values[(sample * width)..<((sample + 1) * width)]
            if let known = classOf[key] {
                members[known].append(sample)
            } else {
                classOf[key] = members.count
                members.append([sample])
            }
        }
        return members
    }
}

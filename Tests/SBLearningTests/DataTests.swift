import Foundation
import SBLearning
import SBTensor
import Testing

/// A data set whose single feature is the sample's index, so batches and splits can be traced
/// back to the samples they hold; the target is the index modulo `classes`.
private func indexedDataset(count: Int, classes: Int = 3) -> TensorDataset {
    TensorDataset(
        features: Tensor((0..<count).map(Float.init)).reshapedOrFail([count, 1]),
        targets: Tensor((0..<count).map { Float($0 % classes) }))
}

/// The sample indices an indexed data set (or a batch of one) holds, in order.
private func sampleIndices(_ features: Tensor) -> [Int] {
    features.scalars.map { Int($0) }
}

extension Tensor {
    fileprivate func reshapedOrFail(_ shape: [Int]) -> Tensor {
        do {
            return try reshaped(shape)
        } catch {
            preconditionFailure(error.description)
        }
    }
}

@Suite("Built-in data sets")
struct BuiltInDatasetTests {
    @Test func diabetesMatchesTheCSV() throws {
        let data = try Datasets.diabetes()
        #expect(data.features.shape == [442, 10])
        #expect(data.targets.shape == [442, 1])
        let firstRow: [Float] = [
            0.038075906433423026, 0.050680118739818619, 0.061696206518683294, 0.0218723855140367,
            -0.044223498424445992, -0.03482076283769895, -0.043400845652024907, -0.002592261998183278,
            0.019907486170462722, -0.01764612515980379,
        ]
        let lastRow: [Float] = [
            -0.045472477940023646, -0.044641636506989144, -0.073030302716416653, -0.08141314376144114,
            0.083740117388258248, 0.027808929520208008, 0.17381578478910462, -0.039493382874093291,
            -0.0042215139381076502, 0.0030644094143684884,
        ]
        #expect(Array(data.features.scalars.prefix(10)) == firstRow)
        #expect(Array(data.features.scalars.suffix(10)) == lastRow)
        #expect(data.targets.scalars.first == 151)
        #expect(data.targets.scalars.last == 57)
    }

    @Test func digitsHasTenBalancedClassesOfSmallPixelCounts() throws {
        let data = try Datasets.digits()
        #expect(data.features.shape == [1797, 64])
        #expect(data.targets.shape == [1797])
        #expect(data.features.scalars.allSatisfy { (0...16).contains($0) && $0.rounded() == $0 })
        let counts = Dictionary(grouping: data.classLabels, by: { $0 }).mapValues(\.count)
        #expect(counts == [0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180])
        #expect(data.targets.scalars.first == 0)
        #expect(data.targets.scalars.last == 8)
        #expect(Array(data.features.scalars.prefix(8)) == [0, 0, 5, 13, 9, 1, 0, 0])
    }

    @Test func concurrentLoadsShareOneCopy() async throws {
        let reference = try Datasets.digits()
        let loads = try await withThrowingTaskGroup(of: TensorDataset.self) { group in
            for _ in 0..<4 { group.addTask { try Datasets.digits() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loads.count == 4)
        #expect(loads.allSatisfy { $0 == reference })
    }
}

@Suite("TensorDataset")
struct TensorDatasetTests {
    @Test func checkedInitRejectsMismatchedRowCounts() {
        #expect(throws: DataError.rowCountMismatch(features: 3, targets: 2)) {
            try TensorDataset.checked(features: .zeros([3, 4]), targets: .zeros([2]))
        }
        #expect(DataError.rowCountMismatch(features: 3, targets: 2).description.contains("3 rows"))
    }

    @Test func subsetAndSingleSampleAccess() {
        let data = indexedDataset(count: 10)
        let subset = data.subset([7, 2, 7])
        #expect(sampleIndices(subset.features) == [7, 2, 7])
        #expect(subset.targets.scalars == [1, 2, 1])
        let (features, target) = data[5]
        #expect(features.shape == [1])
        #expect(features.scalars == [5])
        #expect(target.shape == [])
        #expect(target.item == 2)
    }

    @Test(arguments: [(442, 0.2, 89), (1797, 0.2, 360), (10, 0.25, 3), (7, 0.5, 4)])
    func splitUsesScikitLearnRounding(count: Int, fraction: Double, expectedTest: Int) {
        let (train, test) = indexedDataset(count: count).split(testFraction: fraction, seed: 1)
        #expect(test.count == expectedTest)
        #expect(train.count == count - expectedTest)
    }

    @Test(arguments: [false, true])
    func splitIsADisjointCoverAndReproducible(stratified: Bool) {
        let data = indexedDataset(count: 101)
        let (train, test) = data.split(testFraction: 0.3, seed: 7, stratified: stratified)
        let trainIndices = sampleIndices(train.features)
        let testIndices = sampleIndices(test.features)
        #expect(Set(trainIndices).isDisjoint(with: testIndices))
        #expect((trainIndices + testIndices).sorted() == Array(0..<101))
        #expect(train.targets.scalars == trainIndices.map { Float($0 % 3) })

        let (sameTrain, sameTest) = data.split(testFraction: 0.3, seed: 7, stratified: stratified)
        #expect(sameTrain == train && sameTest == test)
        let (_, otherTest) = data.split(testFraction: 0.3, seed: 8, stratified: stratified)
        #expect(otherTest != test)
    }

    @Test func stratifiedSplitKeepsClassProportions() throws {
        // Unequal classes of 50, 30, 15 and 5 samples.
        let labels =
            [Int](repeating: 0, count: 50) + [Int](repeating: 1, count: 30)
            + [Int](repeating: 2, count: 15) + [Int](repeating: 3, count: 5)
        let data = TensorDataset(features: .zeros([100, 2]), targets: Tensor(labels.map(Float.init)))
        for seed in UInt64(0)..<5 {
            let (train, test) = data.split(testFraction: 0.33, seed: seed, stratified: true)
            #expect(test.count == 33)
            let testCounts = Dictionary(grouping: test.classLabels, by: { $0 }).mapValues(\.count)
            let trainCounts = Dictionary(grouping: train.classLabels, by: { $0 }).mapValues(\.count)
            for (label, size) in [(0, 50), (1, 30), (2, 15), (3, 5)] {
                let exact = 33 * Double(size) / 100
                let inTest = testCounts[label, default: 0]
                #expect(abs(Double(inTest) - exact) < 1, "class \(label): \(inTest) test samples, exact share \(exact)")
                #expect(inTest + trainCounts[label, default: 0] == size)
            }
        }
    }

    @Test func stratifiedSplitOfDigitsTracksEveryClass() throws {
        let digits = try Datasets.digits()
        let (train, test) = digits.split(testFraction: 0.2, seed: 0, stratified: true)
        #expect(test.count == 360 && train.count == 1437)
        let all = Dictionary(grouping: digits.classLabels, by: { $0 }).mapValues(\.count)
        let inTest = Dictionary(grouping: test.classLabels, by: { $0 }).mapValues(\.count)
        for (label, size) in all {
            #expect(abs(Double(inTest[label, default: 0]) - 360 * Double(size) / 1797) < 1)
        }
    }

    @Test func standardizedFeaturesHaveZeroMeanAndUnitVariance() {
        var generator = SeededGenerator(seed: 3)
        let raw = Tensor.randn([500, 4], mean: 50, std: 3, using: &generator) * Tensor([1, 10, 0.1, 1])
        let constantColumn = Tensor.concatenate([raw, .full([500, 1], 7)], axis: 1)
        let data = TensorDataset(features: constantColumn, targets: .zeros([500]))
        let (scaled, standardizer) = data.standardized()
        #expect(standardizer.mean.shape == [5])
        #expect(scaled.targets == data.targets)
        let values = scaled.features.scalars
        for column in 0..<5 {
            let columnValues = stride(from: column, to: values.count, by: 5).map { Double(values[$0]) }
            let mean = columnValues.reduce(0, +) / 500
            let variance = columnValues.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 500
            #expect(abs(mean) < 1e-4, "column \(column) mean \(mean)")
            // The constant column maps to zeros rather than NaN.
            #expect(abs(variance - (column == 4 ? 0 : 1)) < 1e-3, "column \(column) variance \(variance)")
        }
    }

    @Test func standardizerAppliesTrainingStatisticsToOtherData() {
        let train = TensorDataset(features: Tensor([1, 3, 5, 7]).reshapedOrFail([4, 1]), targets: .zeros([4]))
        let (_, standardizer) = train.standardized()
        #expect(standardizer.mean.scalars == [4])
        #expect(abs(standardizer.std.item - Float(5).squareRoot()) < 1e-6)
        let validation = TensorDataset(features: Tensor([4, 9]).reshapedOrFail([2, 1]), targets: Tensor([1, 2]))
        let scaled = standardizer.apply(to: validation)
        #expect(scaled.targets == validation.targets)
        #expect(abs(scaled.features.scalars[0]) < 1e-6)
        #expect(abs(scaled.features.scalars[1] - 5 / Float(5).squareRoot()) < 1e-5)
    }
}

@Suite("DataLoader")
struct DataLoaderTests {
    @Test(arguments: [(false, 4), (true, 3)])
    func batchCountAndLastBatch(dropLast: Bool, expectedBatches: Int) {
        let loader = DataLoader(indexedDataset(count: 10), batchSize: 3, dropLast: dropLast)
        #expect(loader.count == expectedBatches)
        #expect(loader.datasetCount == 10)
        let sizes = loader.map { $0.features.shape[0] }
        #expect(sizes == (dropLast ? [3, 3, 3] : [3, 3, 3, 1]))
        #expect(loader.map { $0.targets.shape }.allSatisfy { $0 == [$0[0]] })
    }

    @Test func unshuffledBatchesKeepDatasetOrder() {
        let loader = DataLoader(indexedDataset(count: 7), batchSize: 4)
        #expect(loader.map { sampleIndices($0.features) } == [[0, 1, 2, 3], [4, 5, 6]])
        #expect(loader.map { $0.targets.scalars } == [[0, 1, 2, 0], [1, 2, 0]])
    }

    @Test func shuffledEpochsVisitEverySampleOnceInNewOrders() {
        let loader = DataLoader(indexedDataset(count: 50), batchSize: 8, shuffle: true, seed: 11)
        var epochs: [[Int]] = []
        for _ in 0..<3 {
            var order: [Int] = []
            for (features, targets) in loader {
                order += sampleIndices(features)
                #expect(targets.scalars == sampleIndices(features).map { Float($0 % 3) })
            }
            epochs.append(order)
        }
        for order in epochs { #expect(order.sorted() == Array(0..<50)) }
        #expect(epochs[0] != epochs[1] && epochs[1] != epochs[2])
        #expect(epochs[0] != Array(0..<50))
    }

    @Test func seededShufflesAreReproducible() {
        let data = indexedDataset(count: 40)
        func twoEpochs(_ loader: DataLoader) -> [[Int]] {
            (0..<2).map { _ in loader.flatMap { sampleIndices($0.features) } }
        }
        let first = twoEpochs(DataLoader(data, batchSize: 16, shuffle: true, seed: 5))
        #expect(first == twoEpochs(DataLoader(data, batchSize: 16, shuffle: true, seed: 5)))
        #expect(first != twoEpochs(DataLoader(data, batchSize: 16, shuffle: true, seed: 6)))

        let loader = DataLoader(data, batchSize: 16, shuffle: true, seed: 5)
        #expect(loader.batches(epoch: 1).flatMap { sampleIndices($0.features) } == first[1])
        #expect(loader.flatMap { sampleIndices($0.features) } == first[0])
    }

    @Test func unseededLoadersDrawTheirSeedFromGlobalRandom() {
        let data = indexedDataset(count: 30)
        let first = DataLoader(data, batchSize: 30, shuffle: true)
        let second = DataLoader(data, batchSize: 30, shuffle: true)
        #expect(first.seed != second.seed)
    }

    @Test func invalidBatchSizeIsReported() {
        let loader = DataLoader(indexedDataset(count: 5), batchSize: 0)
        #expect(throws: DataError.invalidBatchSize(0)) { try loader.validate() }
        #expect(DataError.invalidBatchSize(0).description.contains("batch size"))
        #expect(throws: Never.self) { try DataLoader(indexedDataset(count: 5), batchSize: 1).validate() }
    }

    @Test func emptyDatasetGivesNoBatches() {
        let empty = TensorDataset(features: .zeros([0, 3]), targets: .zeros([0]))
        let loader = DataLoader(empty, batchSize: 4, shuffle: true)
        #expect(loader.count == 0)
        #expect(Array(loader).isEmpty)
    }

    @Test func customDatasetsPlugIn() {
        struct Squares: Dataset {
            var count: Int { 5 }
            func batch(_ indices: [Int]) -> (features: Tensor, targets: Tensor) {
                let x = indices.map(Float.init)
                return (Tensor(x), Tensor(x.map { $0 * $0 }))
            }
        }
        let loader = DataLoader(Squares(), batchSize: 2)
        #expect(loader.map(\.targets.scalars) == [[0, 1], [4, 9], [16]])
        #expect(Squares()[3].targets.item == 9)
    }
}

@Suite("CSV")
struct CSVTests {
    @Test func parsesHeaderTargetAndLineEndings() throws {
        let text = "a, b ,y\r\n1,2,3\r\n\r\n4.5,-6,1e2\r\n\n\n"
        let data = try CSV.parse(text)
        #expect(data.features.shape == [2, 2])
        #expect(data.features.scalars == [1, 2, 4.5, -6])
        #expect(data.targets.shape == [2, 1])
        #expect(data.targets.scalars == [3, 100])

        let byName = try CSV.parse(text, targetColumn: "b")
        #expect(byName.features.scalars == [1, 3, 4.5, 100])
        #expect(byName.targets.scalars == [2, -6])
    }

    @Test func parsesWithoutHeader() throws {
        let data = try CSV.parse("1,2,3\n4,5,6", targetColumn: "0", hasHeader: false)
        #expect(data.features.scalars == [2, 3, 5, 6])
        #expect(data.targets.scalars == [1, 4])
        #expect(try CSV.parse("1,2,3\n4,5,6", hasHeader: false).targets.scalars == [3, 6])
    }

    @Test func raggedRowNamesItsLine() {
        let text = "a,b,c\n1,2,3\n\n4,5\n"
        #expect(throws: DataError.raggedRow(line: 4, count: 2, expected: 3)) { try CSV.parse(text) }
        #expect(DataError.raggedRow(line: 4, count: 2, expected: 3).description.contains("line 4"))
    }

    @Test func nonNumericFieldNamesLineColumnAndValue() {
        #expect(throws: DataError.nonNumeric(line: 3, column: "b", value: "n/a")) {
            try CSV.parse("a,b\n1,2\n3,n/a\n")
        }
        #expect(throws: DataError.nonNumeric(line: 1, column: "1", value: "")) {
            try CSV.parse("1,,3", hasHeader: false)
        }
    }

    @Test(arguments: ["", "\n\n", "a,b,c\n", "a,b\r\n\r\n"])
    func inputWithoutRowsIsEmpty(text: String) {
        #expect(throws: DataError.emptyFile) { try CSV.parse(text) }
    }

    @Test func unknownTargetColumnListsTheColumns() {
        #expect(throws: DataError.unknownColumn("z", available: ["x", "y"])) {
            try CSV.parse("x,y\n1,2", targetColumn: "z")
        }
    }

    @Test func loadsFilesAndReportsUnreadableOnes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sb-data-\(UUID().uuidString).csv")
        try Data("\u{FEFF}x,t\n0.25,1\n0.5,0\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let data = try CSV.load(contentsOf: url, targetColumn: "t")
        #expect(data.features.scalars == [0.25, 0.5])
        #expect(data.targets.scalars == [1, 0])

        let missing = url.appendingPathExtension("missing")
        #expect {
            try CSV.load(contentsOf: missing)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? DataError else { return false }
            return path == missing.path
        }
    }
}

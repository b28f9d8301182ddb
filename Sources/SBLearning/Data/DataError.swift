/// An error from loading, splitting, partitioning or batching data, with a message that says
/// what to fix.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A data loader batch size that is zero or negative.
    case invalidBatchSize(Int)
    /// A split fraction outside the open interval (0, 1).
    case invalidFraction(Double)
    /// Features and targets whose first dimensions (the sample counts) differ.
    case rowCountMismatch(features: Int, targets: Int)
    /// A CSV line (1-based, counting the header) with a different number of fields than the first.
    case raggedRow(line: Int, count: Int, expected: Int)
    /// A CSV field that is not a number; `column` is the column's name, or its 0-based position
    /// when the file has no header.
    case nonNumeric(line: Int, column: String, value: String)
    /// A CSV text with no data rows.
    case emptyFile
    /// A target column name that the CSV header does not contain.
    case unknownColumn(String, available: [String])
    /// A file that could not be read, with the system's reason.
    case unreadableFile(path: String, reason: String)
    /// A data file missing from the package's resources.
    case missingResource(String)
    /// Partitioning arguments that cannot produce the requested parts.
    case invalidPartition(String)

    public var description: String {
        switch self {
        case .invalidBatchSize(let size):
            return "invalid batch size \(size): a data loader needs a batch size of at least 1"
        case .invalidFraction(let fraction):
            return "invalid split fraction \(fraction): it must lie strictly between 0 and 1"
        case .rowCountMismatch(let features, let targets):
            return "features have \(features) rows but targets have \(targets): every sample needs one target"
        case .raggedRow(let line, let count, let expected):
            return "CSV line \(line) has \(count) fields, but the first line has \(expected)"
        case .nonNumeric(let line, let column, let value):
            return "CSV line \(line), column '\(column)': '\(value)' is not a number"
        case .emptyFile:
            return "the CSV text has no data rows"
        case .unknownColumn(let name, let available):
            return "no column named '\(name)'; the columns are \(available.joined(separator: ", "))"
        case .unreadableFile(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .missingResource(let name):
            return "the package resource '\(name)' is missing: the SBLearning resource bundle is incomplete"
        case .invalidPartition(let reason):
            return "invalid partition: \(reason)"
        }
    }
}

import Foundation
import SBTensor

/// Reads numeric CSV data into a ``TensorDataset``: one column is the target, the others the
/// features, in file order.
///
/// ```swift
/// let data = try CSV.load(contentsOf: URL(fileURLWithPath: "iris.csv"), targetColumn: "label")
/// ```
///
/// Fields are separated by commas and may carry spaces around them; lines end in `\n` or `\r\n`;
/// blank lines are skipped (as pandas does). Every field must be a number: quoted fields and
/// missing values are not supported. Targets come out as a column, `[rows, 1]`; reshape them to
/// `[rows]` for class indices.
public enum CSV {
    /// Reads a CSV file.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - targetColumn: the target's column name; nil takes the last column. Without a header,
    ///     columns are named by their 0-based position: `"0"`, `"1"`, …
    ///   - hasHeader: whether the first line names the columns.
    /// - Throws: ``DataError/unreadableFile(path:reason:)`` when the file cannot be read, and
    ///   the errors of ``parse(_:targetColumn:hasHeader:)``.
    public static func load(
        contentsOf url: URL, targetColumn: String? = nil, hasHeader: Bool = true
    ) throws(DataError) -> TensorDataset {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try parse(String(decoding: bytes, as: UTF8.self), targetColumn: targetColumn, hasHeader: hasHeader)
    }

    /// Parses CSV text.
    ///
    /// - Parameters:
    ///   - text: the CSV data.
    ///   - targetColumn: the target's column name; nil takes the last column. Without a header,
    ///     columns are named by their 0-based position: `"0"`, `"1"`, …
    ///   - hasHeader: whether the first line names the columns.
    /// - Throws: ``DataError/raggedRow(line:count:expected:)`` for a line with a different number
    ///   of fields than the first, ``DataError/nonNumeric(line:column:value:)`` for a field that
    ///   is not a number, ``DataError/unknownColumn(_:available:)`` for a target column the
    ///   header lacks, ``DataError/emptyFile`` when there are no data rows. Line numbers count
    ///   from 1 and include the header and blank lines, as an editor shows them.
    public static func parse(
        _ text: String, targetColumn: String? = nil, hasHeader: Bool = true
    ) throws(DataError) -> TensorDataset {
        var rows = LineReader(text)
        guard let first = rows.next() else { throw .emptyFile }
        let names = hasHeader ? first.fields.map { String(Substring($0)) } : first.fields.indices.map(String.init)
        let width = names.count
        let targetIndex: Int
        if let targetColumn {
            guard let index = names.firstIndex(of: targetColumn) else {
                throw .unknownColumn(targetColumn, available: names)
            }
            targetIndex = index
        } else {
            targetIndex = width - 1
        }

        var features: [Float] = []
        var targets: [Float] = []
        var pending = hasHeader ? rows.next() : first
        while let row = pending {
            guard row.fields.count == width else {
                throw .raggedRow(line: row.number, count: row.fields.count, expected: width)
            }
            for (column, field) in row.fields.enumerated() {
                guard let value = Float(Substring(field)) else {
                    throw .nonNumeric(line: row.number, column: names[column], value: String(Substring(field)))
                }
                if column == targetIndex {
                    targets.append(value)
                } else {
                    features.append(value)
                }
            }
            pending = rows.next()
        }
        guard !targets.isEmpty else { throw .emptyFile }
        return TensorDataset(
            features: Tensor(features).reshapedUnchecked([targets.count, width - 1]),
            targets: Tensor(targets).reshapedUnchecked([targets.count, 1]))
    }
}

/// Reads the non-blank lines of CSV text as trimmed fields, working on UTF-8 bytes: the
/// `Character` view would cost a grapheme-breaking pass and sees `\r\n` as one character.
private struct LineReader: IteratorProtocol {
    typealias Field = Substring.UTF8View

    struct Line {
        /// The 1-based line number.
        let number: Int
        let fields: [Field]
    }

    private let lines: [Field]
    private var index = 0

    init(_ text: String) {
        var bytes = Substring(text).utf8
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        if bytes.starts(with: byteOrderMark) { bytes = bytes.dropFirst(byteOrderMark.count) }
        lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    }

    mutating func next() -> Line? {
        while index < lines.count {
            defer { index += 1 }
            let line = Self.trimmed(lines[index])
            guard !line.isEmpty else { continue }
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Self.trimmed)
            return Line(number: index + 1, fields: fields)
        }
        return nil
    }

    /// Drops surrounding spaces, tabs and the `\r` of a `\r\n` line end.
    private static func trimmed(_ field: Field) -> Field {
        func isPadding(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }
        var start = field.startIndex
        var end = field.endIndex
        while start < end && isPadding(field[start]) { start = field.index(after: start) }
        while end > start && isPadding(field[field.index(before: end)]) { end = field.index(before: end) }
        return field[start..<end]
    }
}

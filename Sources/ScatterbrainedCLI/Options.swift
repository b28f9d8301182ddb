/// A usage error in the command line, with the message to print.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// Reads `--name value` options from a subcommand's arguments.
struct Options {
    private var values: [String: String] = [:]
    private(set) var positional: [String] = []

    /// Parses `arguments`, accepting only the option names in `known`.
    init(_ arguments: ArraySlice<String>, known: Set<String>) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                positional.append(argument)
                continue
            }
            let name = String(argument.dropFirst(2))
            guard known.contains(name) else { throw UsageError(description: "unknown option --\(name)") }
            guard let value = remaining.popFirst() else { throw UsageError(description: "--\(name) needs a value") }
            values[name] = value
        }
    }

    /// The integer value of `--name`, or `defaultValue` when absent.
    func int(_ name: String, default defaultValue: Int) throws -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), value >= 0 else {
            throw UsageError(description: "--\(name) needs a non-negative whole number, got '\(text)'")
        }
        return value
    }

    /// The text value of `--name`, or `defaultValue` when absent.
    func string(_ name: String, default defaultValue: String) -> String {
        values[name] ?? defaultValue
    }

    /// The text value of `--name`, or nil when absent.
    func string(_ name: String) -> String? {
        values[name]
    }
}

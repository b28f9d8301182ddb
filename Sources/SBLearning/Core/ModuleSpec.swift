/// The self-describing architecture of a module: its registered type name, its constructor
/// arguments, and its children's specs (for containers such as ``Sequential``).
///
/// Together with a state dictionary it is everything needed to rebuild a model without the Swift
/// code that built it, which is how a peer downloads a model it has never seen. It encodes as JSON:
///
/// ```json
/// {"type": "Sequential", "children": [
///   {"type": "Linear", "arguments": {"inFeatures": 64, "outFeatures": 10, "bias": true}}]}
/// ```
public struct ModuleSpec: Codable, Equatable, Sendable {
    /// The name the type is registered under in ``ModuleRegistry`` (e.g. `Linear`).
    public var type: String
    /// The constructor arguments by name.
    public var arguments: [String: SpecValue]
    /// The children's specs, in order.
    public var children: [ModuleSpec]

    public init(type: String, arguments: [String: SpecValue] = [:], children: [ModuleSpec] = []) {
        self.type = type
        self.arguments = arguments
        self.children = children
    }

    private enum CodingKeys: String, CodingKey {
        case type, arguments, children
    }

    // Empty arguments and children are left out of the JSON and default to empty when read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        arguments = try container.decodeIfPresent([String: SpecValue].self, forKey: .arguments) ?? [:]
        children = try container.decodeIfPresent([ModuleSpec].self, forKey: .children) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        if !arguments.isEmpty { try container.encode(arguments, forKey: .arguments) }
        if !children.isEmpty { try container.encode(children, forKey: .children) }
    }

    /// The argument `name` as an integer.
    ///
    /// - Throws: ``ModelFileError/invalidArchitecture(_:)`` if it is missing or not an integer.
    public func int(_ name: String) throws(ModelFileError) -> Int {
        guard case .int(let value)? = arguments[name] else { throw missing(name, "an integer") }
        return value
    }

    /// The argument `name` as a number (integers are accepted).
    public func double(_ name: String) throws(ModelFileError) -> Double {
        switch arguments[name] {
        case .double(let value)?: return value
        case .int(let value)?: return Double(value)
        default: throw missing(name, "a number")
        }
    }

    /// The argument `name` as a Boolean.
    public func bool(_ name: String) throws(ModelFileError) -> Bool {
        guard case .bool(let value)? = arguments[name] else { throw missing(name, "a Boolean") }
        return value
    }

    /// The argument `name` as a string.
    public func string(_ name: String) throws(ModelFileError) -> String {
        guard case .string(let value)? = arguments[name] else { throw missing(name, "a string") }
        return value
    }

    /// The argument `name` as a list of integers.
    public func ints(_ name: String) throws(ModelFileError) -> [Int] {
        guard case .ints(let value)? = arguments[name] else { throw missing(name, "a list of integers") }
        return value
    }

    private func missing(_ name: String, _ kind: String) -> ModelFileError {
        .invalidArchitecture("\(type): argument '\(name)' must be \(kind)")
    }
}

/// A constructor argument in a ``ModuleSpec``.
///
/// JSON has one number type, so a whole-number `.double` reads back as `.int`; equality treats
/// `.int(n)` and `.double(Double(n))` as the same value so that a spec equals its decoded copy.
public enum SpecValue: Codable, Equatable, Sendable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])

    public static func == (lhs: SpecValue, rhs: SpecValue) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.ints(let a), .ints(let b)): return a == b
        default: return false
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Booleans first: JSON has one number type, and `true` must not become 1.
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([Int].self) {
            self = .ints(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "an argument must be a number, Boolean, string or list of integers")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .ints(let value): try container.encode(value)
        }
    }
}

/// A module that ``ModuleRegistry`` can rebuild from its ``ModuleSpec``.
///
/// Built-in layers conform; a custom layer conforms, overrides `describe()` to return a spec
/// whose `type` is ``specType``, and is registered once with `ModuleRegistry.register(MyLayer.self)`.
public protocol DecodableModule: Module {
    /// The `type` name in the spec, unique across the registry.
    static var specType: String { get }
    /// Builds the module (with fresh parameters) from its spec; the weights are loaded afterwards.
    init(spec: ModuleSpec) throws
}

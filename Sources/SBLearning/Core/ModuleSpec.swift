/// The self-describing architecture of a module: its registered type name, its constructor
/// arguments, and its children's specs (for containers such as ``Sequential``).
///
/// Together with a state dictionary it is everything needed to rebuild a model without the Swift
/// code that built it, which is how a peer downloads a model it has never seen. It encodes as JSON:
///
/// ```json
/// {"type": "Sequential", "arguments": {}, "children": [
///   {"type": "Linear", "arguments": {"inFeatures": 64, "outFeatures": 10, "bias": true}, "children": []}]}
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
public enum SpecValue: Codable, Equatable, Sendable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])

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

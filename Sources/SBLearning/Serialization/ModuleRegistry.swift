import Synchronization

/// The table from a ``ModuleSpec``'s `type` name to the module class that decodes it, through
/// which a model file or a downloaded model is rebuilt without the code that built it.
///
/// Every built-in layer is registered from the start (see ``builtInTypes``). A custom layer
/// becomes loadable in three steps: conform to ``DecodableModule``, override `describe()` to
/// return a spec of its ``DecodableModule/specType`` with the constructor arguments, and register
/// the type once, before the first model containing it is loaded:
///
/// ```swift
/// final class Scale: Module, DecodableModule {
///     static let specType = "MyApp.Scale"
///     let features: Int
///     let factor: Parameter
///
///     init(features: Int) {
///         self.features = features
///         factor = Parameter(.ones([features]))
///     }
///
///     convenience init(spec: ModuleSpec) throws {
///         self.init(features: try spec.int("features"))
///     }
///
///     override func describe() throws -> ModuleSpec {
///         ModuleSpec(type: Self.specType, arguments: ["features": .int(features)])
///     }
///
///     override func forward(_ input: Tensor) throws -> Tensor { input * factor.value }
/// }
///
/// ModuleRegistry.register(Scale.self)
/// let model = try Module.load(from: directory)   // may now contain Scale layers
/// ```
///
/// Only the architecture comes from the spec; the parameters are loaded from the weights
/// afterwards, so `init(spec:)` may initialise them any way it likes. Every process that loads the
/// model must register the type, as a peer cannot rebuild a layer whose code it lacks. Prefix
/// custom names (`MyApp.Scale`) so they cannot collide with a built-in layer's.
///
/// The registry is safe to use from any thread.
public enum ModuleRegistry {
    /// The built-in layers, registered under their ``DecodableModule/specType``s from the start.
    public static let builtInTypes: [any DecodableModule.Type] = [
        Linear.self, Conv2d.self, MaxPool2d.self, Flatten.self, ReLU.self, Sigmoid.self, Tanh.self, Softmax.self,
        LogSoftmax.self, Dropout.self, Sequential.self,
    ]

    private static let decoders = Mutex<[String: any DecodableModule.Type]>(
        Dictionary(uniqueKeysWithValues: builtInTypes.map { ($0.specType, $0) }))

    /// Makes `type` decodable under its ``DecodableModule/specType``, replacing any type
    /// registered under the same name (including a built-in one).
    public static func register(_ type: any DecodableModule.Type) {
        decoders.withLock { $0[type.specType] = type }
    }

    /// The names of every registered type, sorted.
    public static var registeredTypeNames: [String] {
        decoders.withLock { $0.keys.sorted() }
    }

    /// Builds a module with fresh parameters from its spec, decoding any children recursively
    /// (containers such as `Sequential` call back into the registry for theirs).
    ///
    /// - Throws: ``ModelFileError/unknownModuleType(_:)`` if no type is registered under the
    ///   spec's `type`, or whatever the type's `init(spec:)` throws for invalid arguments
    ///   (``ModelFileError/invalidArchitecture(_:)`` for the built-in layers).
    public static func decode(_ spec: ModuleSpec) throws -> Module {
        // Looked up under the lock, but built outside it: a container's init(spec:) decodes its
        // children through this same function.
        guard let type = decoders.withLock({ $0[spec.type] }) else {
            throw ModelFileError.unknownModuleType(spec.type)
        }
        return try type.init(spec: spec)
    }
}

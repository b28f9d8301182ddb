/// An error from reading or writing a model file (architecture JSON or safetensors weights).
public enum ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An architecture that cannot be rebuilt: bad JSON, an unknown type, a bad argument.
    case invalidArchitecture(String)
    /// A module type that no decoder is registered for.
    case unknownModuleType(String)
    /// A safetensors file that is not well formed, with what is wrong with it.
    case invalidSafetensors(String)
    /// A file or directory that could not be read or written, with the system's reason.
    case fileAccess(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArchitecture(let reason): return "invalid model architecture: \(reason)"
        case .unknownModuleType(let type):
            return "unknown module type '\(type)': register it with ModuleRegistry.register(_:)"
        case .invalidSafetensors(let reason): return "invalid safetensors data: \(reason)"
        case .fileAccess(let path, let reason): return "cannot access '\(path)': \(reason)"
        }
    }
}

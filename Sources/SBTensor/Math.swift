#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library's elementary functions under one name on every platform.
@usableFromInline
enum Math {
    @inlinable static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable static func log(_ x: Float) -> Float { logf(x) }
    @inlinable static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable static func sqrt(_ x: Float) -> Float { sqrtf(x) }
    @inlinable static func log(_ x: Double) -> Double { naturalLog(x) }
    @inlinable static func cos(_ x: Double) -> Double { cosine(x) }
}

// Module-level names so that the wrappers above do not call themselves.
@usableFromInline func naturalLog(_ x: Double) -> Double { log(x) }
@usableFromInline func cosine(_ x: Double) -> Double { cos(x) }

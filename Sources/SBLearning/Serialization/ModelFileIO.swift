import Foundation

/// File access for model files, with failures reported as ``ModelFileError``.
enum ModelFileIO {
    /// Reads a whole file.
    static func read(_ url: URL) throws(ModelFileError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .fileAccess(path: url.path, reason: reason(error))
        }
    }

    /// Writes a whole file atomically, so a reader never sees half of it.
    static func write(_ data: Data, to url: URL) throws(ModelFileError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .fileAccess(path: url.path, reason: reason(error))
        }
    }

    /// Creates a directory and any missing parents.
    static func createDirectory(_ url: URL) throws(ModelFileError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .fileAccess(path: url.path, reason: reason(error))
        }
    }

    /// The system's reason for a failure.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        // On Linux, Foundation's own message is generic ("The file doesn't exist." also when a
        // parent is not a directory); the POSIX error underneath names the cause.
        if let underlying = (nsError.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }),
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}

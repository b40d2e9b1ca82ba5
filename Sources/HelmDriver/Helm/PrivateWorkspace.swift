#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory only this process's user can enter (0700) holding files only it can read (0600),
/// for kubeconfigs and values that must never sit in a world-readable place or on a command line.
public struct PrivateWorkspace: Sendable {
    public let path: String

    public enum Failure: Error, CustomStringConvertible {
        case cannotCreate(directory: String, errno: Int32)
        case cannotWrite(file: String, errno: Int32)

        public var description: String {
            switch self {
            case .cannotCreate(let directory, let code):
                "cannot create a private work directory in \(directory): \(String(cString: strerror(code)))"
            case .cannotWrite(let file, let code):
                "cannot write \(file): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Creates the workspace, runs `body`, and removes the workspace whatever happens.
    public static func with<T: Sendable>(
        in parent: String,
        _ body: (PrivateWorkspace) async throws -> T
    ) async throws -> T {
        let workspace = try PrivateWorkspace(parent: parent)
        defer { workspace.remove() }
        return try await body(workspace)
    }

    init(parent: String) throws {
        var template = Array("\(parent)/deploy-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw Failure.cannotCreate(directory: parent, errno: errno)
        }
        path = String(cString: created)
    }

    /// Writes `contents` to a new 0600 file in the workspace and returns its path.
    public func write(_ name: String, _ contents: String) throws -> String {
        let file = "\(path)/\(name)"
        let fd = open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure.cannotWrite(file: name, errno: errno) }
        defer { close(fd) }
        var remaining = Array(contents.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure.cannotWrite(file: name, errno: errno)
            }
            remaining = remaining.dropFirst(written)
        }
        return file
    }

    func remove() {
        // Only flat files are ever written here, so one level of unlinking is enough.
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { unlink("\(path)/\(name)") }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}

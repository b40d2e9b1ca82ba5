import Foundation

/// A file named on the command line, read whole: also a pipe, as `--kubeconfig <(aws ...)` gives,
/// which `String(contentsOfFile:)` cannot read because it has no size.
enum InputFile {
    static func read(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.readToEnd() ?? Data()
    }
}

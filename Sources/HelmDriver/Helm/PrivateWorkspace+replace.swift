import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PrivateWorkspace {
    /// Writes `contents` to `name` as a new 0600 file renamed over any old one, so a reader (helm
    /// re-reading a token file) sees the old contents or the new, never half of either.
    @discardableResult
    public func replace(_ name: String, _ contents: String) throws -> String {
        let temporary = try write(".\(name).\(UUID().uuidString)", contents)
        let file = "\(path)/\(name)"
        guard rename(temporary, file) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure.cannotWrite(file: name, errno: code)
        }
        return file
    }
}

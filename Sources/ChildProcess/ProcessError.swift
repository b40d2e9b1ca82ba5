#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum ProcessError: Error, CustomStringConvertible, Equatable {
    case executableNotFound(String)
    case launchFailed(executable: String, errno: Int32)

    public var description: String {
        switch self {
        case .executableNotFound(let name): "executable \"\(name)\" not found on PATH"
        case .launchFailed(let executable, let code): "cannot start \(executable): \(String(cString: strerror(code)))"
        }
    }
}

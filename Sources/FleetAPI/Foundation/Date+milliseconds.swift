public import Foundation

extension Date {
    /// Milliseconds since the epoch, the API's time format.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

/// The request never got an HTTP answer: DNS, connection, TLS or timeout.
public struct HTTPTransportError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var reason: String
    public var timedOut: Bool
    public var description: String { "\(url): \(reason)" }
}

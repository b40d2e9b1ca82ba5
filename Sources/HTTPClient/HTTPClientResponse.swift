public import Foundation

public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// The header lines as received (the status line first).
    public var rawHeaders: Data
    public var body: Data

    public init(status: Int, rawHeaders: Data = Data(), body: Data) {
        self.status = status
        self.rawHeaders = rawHeaders
        self.body = body
    }

    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: rawHeaders, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

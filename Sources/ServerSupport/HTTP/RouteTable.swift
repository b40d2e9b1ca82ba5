import Synchronization

/// The routes a router serves, by path template, so an unknown method on a known path can answer
/// 405 with `Allow` rather than 404.
public final class RouteTable: Sendable {
    private let templates = Mutex<[(segments: [Substring], method: String)]>([])

    public init() {}

    func record(_ routes: [(method: String, path: String)]) {
        templates.withLock { $0 = routes.map { (Self.segments($0.path), $0.method) } }
    }

    /// The methods served at `path`, or nil when no route has that shape.
    func methods(for path: String) -> [String]? {
        let requested = Self.segments(path)
        let matching = templates.withLock { templates in
            templates.filter { template in
                template.segments.count == requested.count
                    && zip(template.segments, requested).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }.map(\.method)
        }
        return matching.isEmpty ? nil : Array(Set(matching)).sorted()
    }

    private static func segments(_ path: String) -> [Substring] { path.split(separator: "/") }
}

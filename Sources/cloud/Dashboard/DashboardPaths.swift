import HTTPTypes
import Hummingbird

/// Which paths are the dashboard's, and which of them need no session.
enum DashboardPaths {
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let staticPrefix = "/ui/static/"

    /// Signing in and out, and the stylesheet and script, which hold nothing of the fleet.
    static func isOpen(_ path: String) -> Bool {
        path == "/login" || path == "/logout" || path.hasPrefix(staticPrefix)
    }

    /// Pages a person opens; they go to `/login` without a session.
    static func isPage(_ path: String) -> Bool {
        path == "/" || path.hasPrefix("/ui/")
    }

    static func redirect(to location: String, setCookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let setCookie { headers[.setCookie] = setCookie }
        return Response(status: .seeOther, headers: headers)
    }
}

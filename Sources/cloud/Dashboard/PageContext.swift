import Foundation

/// What every page shows around its content: who is signed in, whether they may press the
/// buttons, the CSRF token their script sends back, and what live events concern the page.
struct PageContext: Sendable {
    var title: String
    var user: String
    var role: String
    var signedIn: Bool
    var canOperate: Bool
    var csrf: String
    /// Event kinds and `id:OBJECT` tokens; see `app.js`.
    var watch: String
    var onFleet = false
    var onRollouts = false
    var onProvisioners = false
    var onProfiles = false

    init(_ title: String, watch: String, context: CloudRequestContext) {
        self.title = title
        self.watch = watch
        user = context.caller.name
        role = context.caller.role.rawValue
        signedIn = context.session != nil
        canOperate = context.caller.role >= .operator
        csrf = context.session?.csrf ?? ""
    }

    static func time(_ milliseconds: Int64) -> String {
        guard milliseconds > 0 else { return "-" }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false)
        )
    }

    /// A state's colour class; the word itself is always shown beside it.
    static func stateClass(_ state: String?) -> String {
        switch state {
        case "succeeded", "healthy", "InSync", "passed", "ok": "ok"
        case "failed", "halted", "unhealthy", "inconclusive": "bad"
        case "cancelled", "skipped", "waiting", "empty": "off"
        case "paused", "waiting-approval", "Drifted", "drifted": "warn"
        case nil, "": ""
        default: "run"
        }
    }
}

import FleetAPI
import Hummingbird
import ServerSupport

/// `POST /api/sessions/revoke` (admin): ends every dashboard session of a token holder at once, on
/// every server sharing the database, e.g. when a laptop is lost; the token itself stays valid
/// until it leaves the token file.
struct SessionRoutes: Sendable {
    let store: any SessionStore
    let clock: any WallClock

    struct RevokeRequest: Decodable {
        var name: String
    }

    struct Revoked: Encodable {
        var name: String
        var revokedAt: Int64
    }

    func add(to router: Router<CloudRequestContext>) {
        router.post("/api/sessions/revoke", use: revoke)
    }

    @Sendable func revoke(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let name = try await JSONRequest.decode(RevokeRequest.self, from: request).name
        // In code points, as JSON Schema's maxLength counts (combining marks are characters of their own).
        guard (1...63).contains(name.unicodeScalars.count) else {
            throw APIError.badRequest("Name must be a token holder's name (1 to 63 characters)", field: "Name")
        }
        let now = clock.millisecondsSince1970
        try await context.audit.recording(targets: [name], status: .ok) { entry in
            try await store.revokeSessions(of: name, at: now, audit: entry)
        }
        return try JSONResponse.make(.ok, Revoked(name: name, revokedAt: now))
    }
}

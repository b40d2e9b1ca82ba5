import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Failed authentications per address: counted, held up at the limit until the window ends,
/// bounded in memory; and what the API, the dashboard and `/login` answer meanwhile.
@Suite("Failed authentication throttle")
struct AuthThrottleTests {
    static let admin = "admin-token-0123456789"
    let start = WallInstant(millisecondsSince1970: 1_700_000_000_000)

    func windows(limit: Int = 3, maxAddresses: Int = 100) -> FailureWindows {
        FailureWindows(configuration: .init(limit: limit, window: .seconds(60), maxAddresses: maxAddresses))
    }

    @Test("an address is held up from the failure that reaches the limit until its window ends")
    func heldUpUntilWindowEnds() {
        var windows = windows()
        func fail(_ address: String, at seconds: Int) -> Bool { windows.recordFailure(from: address, now: start + .seconds(seconds)) }
        func wait(_ address: String, at seconds: Int) -> Duration? { windows.retryAfter(for: address, now: start + .seconds(seconds)) }

        #expect(!fail("a", at: 0))
        #expect(!fail("a", at: 10))
        #expect(wait("a", at: 10) == nil)
        #expect(fail("a", at: 20), "the third failure reaches the limit")

        #expect(wait("a", at: 20) == .seconds(40))
        #expect(wait("b", at: 20) == nil, "other addresses are not held up")
        #expect(wait("a", at: 60) == nil)
        #expect(!fail("a", at: 61), "a new window counts from one")
    }

    @Test("a limit of 0 counts nothing and holds up no one")
    func off() {
        var windows = windows(limit: 0)
        let reached = (0..<100).map { _ in windows.recordFailure(from: "a", now: start) }
        #expect(!reached.contains(true))
        let wait = windows.retryAfter(for: "a", now: start)
        #expect(wait == nil)
        #expect(windows.windows.isEmpty)
    }

    @Test("a flood of new addresses keeps the table within its bound, forgetting the oldest windows first")
    func bounded() {
        var windows = windows(maxAddresses: 100)
        for index in 0..<1_000 { _ = windows.recordFailure(from: "10.0.\(index / 256).\(index % 256)", now: start + .milliseconds(index)) }
        #expect(windows.windows.count <= 100)
        #expect(windows.windows["10.0.3.231"] != nil, "the newest address is followed")
        #expect(windows.windows["10.0.0.0"] == nil)
    }

    // MARK: Through the routes (every in-process request has the same address)

    func cloud(limit: Int = 3) async throws -> InProcessCloud {
        try await InProcessCloud(
            apiTokens: APITokens([.init(token: Self.admin, role: .admin, name: "root")]),
            // A clock that stands still: on a loaded host the minute's window could pass between
            // guesses, and a good token would then open an endless event stream.
            authThrottle: AuthThrottle(configuration: .init(limit: limit), clock: ManualClock())
        )
    }

    @Test("after too many bad tokens the API answers 429 with Retry-After, even to a good token, and audits only the 401s")
    func apiHeldUp() async throws {
        let cloud = try await cloud()
        #expect(try await cloud.router.request(.get, "/api/clusters", token: Self.admin).status == 200, "a good token counts nothing")
        for token in ["guess-1", "guess-2", nil] {
            #expect(try await cloud.router.request(.get, "/api/clusters", token: token).status == 401)
        }

        for token in [Self.admin, "guess-4"] {
            let held = try await cloud.router.request(.get, "/api/clusters", token: token)
            #expect(held.status == 429)
            #expect(held.error?.error.contains("too many failed authentications") == true, "\(held.text)")
            let wait = try #require(held.headers["retry-after"].flatMap { Int($0) })
            #expect((1...60).contains(wait))
        }
        #expect(try await cloud.store.auditEntries(AuditQuery(limit: 100)).map(\.status) == [401, 401, 401])
    }

    @Test("a signed-in dashboard session is not held up; a page without one is sent to /login")
    func sessionsGoOn() async throws {
        let cloud = try await cloud(limit: 1)
        let signIn = try await cloud.router.signIn(Self.admin)
        let cookie = try #require(signIn.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        #expect(try await cloud.router.request(.get, "/api/clusters", token: "guess").status == 401)

        #expect(try await cloud.router.request(.get, "/", headers: [.cookie: cookie]).status == 200)
        let page = try await cloud.router.request(.get, "/")
        #expect(page.status == 303 && page.headers["location"] == "/login")
    }

    @Test("failed sign-ins count too: then /login says when to try again, with 429, and takes no token")
    func signInHeldUp() async throws {
        let cloud = try await cloud(limit: 2)
        func signIn(_ token: String) async throws -> ServerProcess.Reply { try await cloud.router.signIn(token) }
        #expect(try await signIn("guess-1").status == 401)
        #expect(try await signIn("guess-2").status == 401)

        let held = try await signIn(Self.admin)
        #expect(held.status == 429 && held.headers["set-cookie"] == nil)
        #expect(held.text.contains("Too many failed sign-ins from this address. Try again in"), "\(held.text)")
        #expect(held.headers["retry-after"] != nil)
    }

    enum Family: String, CaseIterable, CustomTestStringConvertible {
        case api, page, eventStream, signIn
        var testDescription: String { rawValue }
    }

    /// One guess through the family's route: a wrong bearer token, or a wrong token in the sign-in form.
    func guess(_ family: Family, on cloud: InProcessCloud, token: String = "guess-0123456789") async throws -> ServerProcess.Reply {
        switch family {
        case .api: try await cloud.router.request(.get, "/api/clusters", token: token)
        case .page: try await cloud.router.request(.get, "/ui/rollouts", token: token)
        case .eventStream: try await cloud.router.request(.get, "/api/events", token: token, headers: [.accept: "text/event-stream"])
        case .signIn: try await cloud.router.signIn(token)
        }
    }

    @Test("guessing tokens through any route family is answered 429 after the limit, each refusal audited", arguments: Family.allCases)
    func everyFamilyHeldUp(_ family: Family) async throws {
        let cloud = try await cloud(limit: 3)
        for _ in 0..<3 { #expect(try await guess(family, on: cloud).status == 401) }
        #expect(try await guess(family, on: cloud).status == 429)
        #expect(try await guess(family, on: cloud, token: Self.admin).status == 429, "held up, even with the right token")
        #expect(try await cloud.store.auditEntries(AuditQuery(limit: 100)).map(\.status) == [401, 401, 401])
    }
}

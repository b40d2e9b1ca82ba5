import Foundation
import HTTPTypes
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The webhook API in-process: what is refused, naming the field, and that a hook's URL and
/// secret never come back out.
@Suite("Webhook API")
struct WebhookRoutesTests {
    let store: SQLStore
    let router: InProcessRouter<CloudRequestContext>

    init() async throws {
        let cloud = try await InProcessCloud(apiTokens: nil)
        (store, router) = (cloud.store, cloud.router)
    }

    @Test(
        "bad input is refused with 400 naming the field",
        arguments: [
            (["URL": "ftp://example.com/x"], "URL"),
            (["URL": "not a url"], "URL"),
            (["URL": "https://user:pw@example.com/x"], "URL"),
            (["URL": "https://example.com/x", "Format": "teams"], "Format"),
            (["URL": "https://example.com/x", "Events": "rollout.halt"], "Events"),
            (["URL": "https://example.com/x", "Secret": ""], "Secret"),
            (["Format": "json"], "URL"),
        ] as [([String: String], String)]
    )
    func refusals(_ body: [String: String], _ field: String) async throws {
        let reply = try await router.post("/api/webhooks", json: body)
        #expect(reply.status == 400 && reply.error?.field == field, "\(reply.text)")
    }

    @Test("a hook's URL path and secret are kept but never answered; it can be deleted once")
    func keepsSecrets() async throws {
        let body = ["URL": "https://hooks.slack.com/services/T0/B0/XXXXSECRET", "Format": "slack", "Secret": "hmac-key", "Events": "rollout.*"]
        let created = try await router.post("/api/webhooks", json: body)
        #expect(created.status == 201)
        let listed = try await router.request(.get, "/api/webhooks")
        for text in [created.text, listed.text] {
            #expect(!text.contains("XXXXSECRET") && !text.contains("hmac-key"), "\(text)")
        }
        let view = try listed.decode([WebhookView].self)
        #expect(view.map(\.target) == ["https://hooks.slack.com/…"] && view.map(\.signed) == [true] && view.map(\.events) == [["rollout.*"]])
        #expect(try await store.webhooks().map(\.url) == [body["URL"]], "the sender still has the whole URL")

        #expect(try await router.request(.delete, "/api/webhook/\(view[0].id)").status == 204)
        #expect(try await router.request(.delete, "/api/webhook/\(view[0].id)").status == 404)
        #expect(try await store.webhooks().isEmpty)
    }
}

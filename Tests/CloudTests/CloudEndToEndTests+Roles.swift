import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

extension CloudEndToEndTests {
    /// A cloud server whose token file holds an admin and a viewer named ci.
    func harnessWithRoles(provisioners: Int) async throws -> (harness: CloudHarness, admin: String, viewer: String) {
        let users = try Testbed.makeScratchDirectory() + "/users"
        let admin = "admin-token-\(UUID())"
        let viewer = "viewer-token-\(UUID())"
        try "\(admin)\n\(viewer) viewer ci\n".write(toFile: users, atomically: true, encoding: .utf8)
        return (try await CloudHarness(provisioners: provisioners, serverArguments: ["--api-token-file", users]), admin, viewer)
    }

    @Test("the CLI shows a refusal for the token's role as one line with exit code 1; an admin finds it in the audit log")
    func roleRefusalInCLI() async throws {
        let (harness, admin, viewer) = try await harnessWithRoles(provisioners: 1)
        defer { harness.close() }

        let refused = try await harness.cli(["deployment", "cancel", "--deployment", "d1"], environment: ["CLOUD_API_TOKEN": viewer])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: this needs the operator role; token ci has viewer\n")
        #expect(try await harness.cli(["cluster", "list"], environment: ["CLOUD_API_TOKEN": viewer]).status == 0)

        let table = try await harness.cli(
            ["audit", "list", "--actor", "ci", "--since", "1h", "--output", "table"],
            environment: ["CLOUD_API_TOKEN": admin]
        )
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("ID"), "\(table.stdout)")
        #expect(lines.last?.contains("DELETE") == true && lines.last?.contains("/api/deployment/d1") == true && lines.last?.contains("403") == true)
        #expect(!table.stdout.contains(viewer))

        let denied = try await harness.cli(["audit", "list"], environment: ["CLOUD_API_TOKEN": viewer])
        #expect(denied.status == 1 && denied.stderr == "Error: this needs the admin role; token ci has viewer\n")
    }

    @Test("an admin ends a holder's dashboard sessions from the CLI; a viewer may not")
    func sessionRevokeInCLI() async throws {
        let (harness, admin, viewer) = try await harnessWithRoles(provisioners: 0)
        defer { harness.close() }

        let revoked = try await harness.cli(["session", "revoke", "--name", "ci"], environment: ["CLOUD_API_TOKEN": admin])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("\"Name\" : \"ci\"") && revoked.stdout.contains("\"RevokedAt\""), "\(revoked.stdout)")
        let denied = try await harness.cli(["session", "revoke", "--name", "ci"], environment: ["CLOUD_API_TOKEN": viewer])
        #expect(denied.status == 1 && denied.stderr == "Error: this needs the admin role; token ci has viewer\n")
    }
}

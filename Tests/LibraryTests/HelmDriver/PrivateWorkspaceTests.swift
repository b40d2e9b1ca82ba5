import Foundation
import Testing

@testable import HelmDriver

@Suite("Private workspaces for kubeconfigs and values")
struct PrivateWorkspaceTests {
    @Test("files are 0600 in a 0700 directory, and all of it is gone afterwards")
    func permissionsAndCleanup() async throws {
        let parent = NSTemporaryDirectory()
        let (directory, file) = try await PrivateWorkspace.with(in: parent) { workspace in
            let file = try workspace.write("kubeconfig", "secret")
            #expect(try permissions(of: workspace.path) == 0o700)
            #expect(try permissions(of: file) == 0o600)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "secret")
            return (workspace.path, file)
        }
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("the workspace is removed when the body throws")
    func cleanupOnError() async throws {
        struct Boom: Error {}
        let seen = SeenPath()
        await #expect(throws: Boom.self) {
            try await PrivateWorkspace.with(in: NSTemporaryDirectory()) { workspace in
                _ = try workspace.write("values.json", "{}")
                seen.path = workspace.path
                throw Boom()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: seen.path))
    }

    func permissions(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}

private final class SeenPath: @unchecked Sendable {
    var path = ""
}

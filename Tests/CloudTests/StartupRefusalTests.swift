import Foundation
import Internal
import TestSupport
import Testing

/// Both servers refuse to serve an address other than loopback without tokens, unless told to.
@Suite("Start-up without tokens", .tags(.integration), .skippedInFastRuns)
struct StartupRefusalTests {
    func run(_ binary: String, _ arguments: [String]) async throws -> CommandRun {
        try await CommandRun.run(ServerProcess.binary(binary), arguments)
    }

    @Test("the cloud server refuses every interface without --api-token-file in one line, and creates no database")
    func cloudRefuses() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let exit = try await run("cloud", ["server", "--listen", "0.0.0.0:0", "--database", "sqlite://\(scratch)/cloud.db"])
        #expect(exit.status == 1)
        #expect(
            exit.stderr.hasPrefix("Error: refusing to serve 0.0.0.0:0, which is not a loopback address, without --api-token-file"),
            "\(exit.stderr)"
        )
        #expect(exit.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: "\(scratch)/cloud.db"))
    }

    @Test("the cloud server's default address counts as every interface")
    func cloudDefaultRefused() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let exit = try await run("cloud", ["server", "--database", "sqlite://\(scratch)/cloud.db"])
        #expect(exit.status == 1)
        #expect(exit.stderr.contains("refusing to serve 0.0.0.0:8075"), "\(exit.stderr)")
    }

    @Test("the cloud server serves every interface with tokens, or with --insecure-no-auth")
    func cloudStartsWhenTold() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try "admin-token-0123456789\n".write(toFile: "\(scratch)/tokens", atomically: true, encoding: .utf8)
        for extra in [["--insecure-no-auth"], ["--api-token-file", "\(scratch)/tokens"]] {
            let server = try await ServerProcess.cloudServer(
                database: "\(scratch)/cloud-\(extra.count).db",
                provisioners: [],
                arguments: ["--listen", "0.0.0.0:0"] + extra
            )
            defer { server.stop() }
            #expect(try await server.request("GET", "/healthz").status == 200)
        }
    }

    @Test("the provisioner refuses every interface without --auth-token-file, and serves it with --insecure-no-auth")
    func provisionerRefuses() async throws {
        let exit = try await run("provisioner", ["--listen", ":0", "--helm", Testbed.helm])
        #expect(exit.status == 1)
        #expect(exit.stderr.split(separator: "\n").count == 1)
        #expect(
            exit.stderr.hasPrefix("Error: refusing to serve 0.0.0.0:0, which is not a loopback address, without --auth-token-file"),
            "\(exit.stderr)"
        )

        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let provisioner = try await ServerProcess.provisioner(scratch: scratch, arguments: ["--listen", ":0", "--insecure-no-auth"])
        defer { provisioner.stop() }
        #expect(try await provisioner.request("GET", "/healthz").status == 200)
    }
}

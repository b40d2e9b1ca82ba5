import ArgumentParser
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The cloud server refuses to serve an address other than loopback without tokens, unless told
/// to. What the flags decide is checked in-process; the process is started only to see what a
/// person sees: one line, exit code 1, and no database made.
@Suite("Start-up without tokens")
struct StartupRefusalTests {
    func serving(
        _ arguments: [String],
        environment: [String: String] = [:],
        hasTokens: Bool = false
    ) throws -> ServerOptions<CloudServerNaming>.Serving {
        try ServerRunCommand.parse(arguments).serving.serving(environment: environment, hasTokens: hasTokens)
    }

    @Test(
        "the cloud server refuses every interface without --api-token-file in one line, and creates no database",
        .tags(.integration),
        .skippedInFastRuns
    )
    func cloudRefuses() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let exit = try await CommandRun.run(
            ServerProcess.binary("cloud"),
            ["server", "--listen", "0.0.0.0:0", "--database", "sqlite://\(scratch)/cloud.db"]
        )
        #expect(exit.status == 1)
        #expect(
            exit.stderr.hasPrefix("Error: refusing to serve 0.0.0.0:0, which is not a loopback address, without --api-token-file"),
            "\(exit.stderr)"
        )
        #expect(exit.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: "\(scratch)/cloud.db"))
    }

    @Test("the default address, and CLOUD_LISTEN's, count as every interface")
    func defaultRefused() throws {
        #expect(throws: (any Error).self) { try serving([]) }
        do {
            _ = try serving([])
        } catch {
            #expect("\(error)".contains("refusing to serve 0.0.0.0:8075"), "\(error)")
        }
        #expect(throws: (any Error).self) { try serving([], environment: ["CLOUD_LISTEN": "10.0.0.5:8075"]) }
        #expect(try serving([], environment: ["CLOUD_LISTEN": "127.0.0.1:9000"]).address == ListenAddress("127.0.0.1:9000"))
    }

    @Test("every interface is served with tokens, or with --insecure-no-auth")
    func servedWhenTold() throws {
        #expect(try serving(["--listen", "0.0.0.0:0"], hasTokens: true).address == ListenAddress("0.0.0.0:0"))
        #expect(try serving(["--listen", "0.0.0.0:0", "--insecure-no-auth"]).address == ListenAddress("0.0.0.0:0"))
    }

    @Test("TLS takes a certificate and its key together, from the flags or CLOUD_TLS_CERT and CLOUD_TLS_KEY")
    func tlsTogether() throws {
        #expect(throws: (any Error).self) { try serving(["--tls-cert", "c.pem"]) }
        let tls = try serving([], environment: ["CLOUD_LISTEN": "127.0.0.1:0", "CLOUD_TLS_CERT": "c.pem", "CLOUD_TLS_KEY": "k.pem"]).tls
        #expect(tls?.certificate == "c.pem" && tls?.key == "k.pem")
    }
}

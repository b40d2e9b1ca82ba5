import ArgumentParser
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// The provisioner refuses to serve an address other than loopback without tokens, unless told
/// to. What the flags decide is checked in-process; the process is started only to see what a
/// person sees: one line and exit code 1.
@Suite("Provisioner start-up without tokens")
struct ProvisionerStartupRefusalTests {
    @Test("the provisioner refuses every interface without --auth-token-file, in one line", .tags(.integration), .skippedInFastRuns)
    func refuses() async throws {
        let exit = try await CommandRun.run(ServerProcess.binary("provisioner"), ["--listen", ":0", "--helm", Testbed.helm])
        #expect(exit.status == 1)
        #expect(exit.stderr.split(separator: "\n").count == 1)
        #expect(
            exit.stderr.hasPrefix("Error: refusing to serve 0.0.0.0:0, which is not a loopback address, without --auth-token-file"),
            "\(exit.stderr)"
        )
    }

    @Test("every interface is served with --insecure-no-auth or tokens; loopback by default")
    func servedWhenTold() throws {
        #expect(try ProvisionerCommand.parse([]).makeConfiguration().address == ListenAddress("127.0.0.1:8076"))
        #expect(throws: (any Error).self) { try ProvisionerCommand.parse(["--listen", ":0"]).makeConfiguration() }
        #expect(try ProvisionerCommand.parse(["--listen", ":0", "--insecure-no-auth"]).makeConfiguration().address == ListenAddress(":0"))

        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try "provisioner-token-0123456789\n".write(toFile: "\(scratch)/tokens", atomically: true, encoding: .utf8)
        let withTokens = try ProvisionerCommand.parse(["--listen", ":0", "--auth-token-file", "\(scratch)/tokens"]).makeConfiguration()
        #expect(withTokens.address == ListenAddress(":0") && withTokens.authTokens == ["provisioner-token-0123456789"])
    }
}

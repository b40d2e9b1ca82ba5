import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// What helm is handed. The testbed's helm does not run exec plugins (a real one does), so a
/// wrapper in front of it records every argv and a copy of every --kubeconfig file.
@Suite("Kubeconfig as helm sees it", .tags(.integration), .skippedInFastRuns)
struct KubeconfigToHelmTests {
    /// A helm that logs its arguments and kubeconfig into `log`, then runs the testbed's helm.
    static func wrapper(in directory: String) throws -> (helm: String, log: String) {
        let log = "\(directory)/helm-calls"
        try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
        let script = """
            #!/usr/bin/env bash
            call="\(log)/$(date +%s%N)-$$"
            printf '%s\\n' "$@" > "$call.argv"
            previous=""
            for argument in "$@"; do
              if [ "$previous" = "--kubeconfig" ]; then cp "$argument" "$call.kubeconfig"; fi
              previous="$argument"
            done
            exec "\(Testbed.helm)" "$@"
            """
        let helm = "\(directory)/helm-wrapper"
        try script.write(toFile: helm, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helm)
        return (helm, log)
    }

    static func calls(_ log: String, ending suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(suffix) }.sorted().map {
            try String(contentsOfFile: "\(log)/\($0)", encoding: .utf8)
        }
    }

    @Test("a kubeconfig with an exec plugin or a token file never reaches helm; a valid one with extra fields reaches it normalised")
    func onlyNormalisedReachesHelm() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let emulator = try await KubeEmulator.start(scratch: scratch)
        defer { emulator.stop() }
        let (helm, log) = try Self.wrapper(in: scratch)
        let provisioner = try await InProcessProvisioner.start(helm: helm)
        defer { provisioner.stop() }
        let marker = "\(scratch)/exec-ran"
        func request(_ kubeconfig: String) -> DeploymentRequest {
            DeploymentRequest(
                clusterID: "c1",
                service: "nginx",
                action: .apply,
                chart: ChartRequest(version: "4.15.1"),
                kubeconfig: kubeconfig
            )
        }

        let exec = emulator.kubeconfig.replacingOccurrences(
            of: "    token: testbed",
            with: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args: [-c, 'touch \(marker)']"
        )
        let tokenFile = emulator.kubeconfig.replacingOccurrences(of: "    token: testbed", with: "    tokenFile: /etc/hostname")
        for refused in [exec, tokenFile] {
            let reply = try await provisioner.post(request(refused))
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.error?.field == "Kubeconfig")
        }
        #expect(try Self.calls(log, ending: ".argv").isEmpty, "helm ran for a refused kubeconfig")

        // Valid, with fields that have no place in the normalised file, and a user never selected.
        let junk =
            emulator.kubeconfig.replacingOccurrences(
                of: "    token: testbed",
                with: "    token: testbed\n    extensions:\n    - name: junk\n      extension: {command: /bin/sh}"
            )
            + "- name: unused\n  user:\n    tokenFile: /etc/hostname\n    exec: {command: /bin/sh}\npreferences: {colors: true}\n"
        let accepted = try await provisioner.post(request(junk))
        #expect(accepted.status == 202, "\(accepted.text)")
        let status = try await provisioner.waitFor(try accepted.decode(DeploymentStatus.self).id)
        #expect(status.state == .succeeded, "\(status.error ?? "")")

        let expected = try Kubeconfig(parsing: junk, policy: .testbed).normalized
        let seen = try Self.calls(log, ending: ".kubeconfig")
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0 == expected }, "\(seen)")
        #expect(try Self.calls(log, ending: ".argv").allSatisfy { $0.contains("--kubeconfig\n") })
        for absent in ["exec", "tokenFile", "extensions", "junk", "preferences", "/bin/sh"] { #expect(!expected.contains(absent)) }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}

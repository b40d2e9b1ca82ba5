import Foundation
import TestSupport
import Testing

/// Files named on the command line may be pipes: `--kubeconfig <(aws ... get kubeconfig)`.
@Suite("CLI input files", .tags(.integration), .skippedInFastRuns)
struct CLIInputFileTests {
    @Test("--kubeconfig and --values read a pipe from process substitution")
    func readsPipes() async throws {
        let cloud = ServerProcess.binary("cloud")
        let script = """
            "\(cloud)" cluster register --name piped --kubeconfig <(printf 'apiVersion: v1\\n') --dry-run --server http://127.0.0.1:1 &&
            "\(cloud)" deployment create --cluster c --service nginx --values <(printf '{"replicaCount": 2}') --dry-run --server http://127.0.0.1:1
            """
        let run = try await CommandRun.run("/bin/bash", ["-c", script])

        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"Kubeconfig\" : \"(contents of /dev/fd/"))
        #expect(run.stdout.contains("\"replicaCount\" : 2"))
    }
}

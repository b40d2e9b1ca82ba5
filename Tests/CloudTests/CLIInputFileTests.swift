import Foundation
import TestSupport
import Testing

/// Files named on the command line may be pipes: `--kubeconfig <(aws ... get kubeconfig)`.
@Suite("CLI input files")
struct CLIInputFileTests {
    @Test("--kubeconfig and --values read a pipe from process substitution")
    func readsPipes() throws {
        let cloud = ServerProcess.binary("cloud")
        let script = """
            "\(cloud)" cluster register --name piped --kubeconfig <(printf 'apiVersion: v1\\n') --dry-run --server http://127.0.0.1:1 &&
            "\(cloud)" deployment create --cluster c --service nginx --values <(printf '{"replicaCount": 2}') --dry-run --server http://127.0.0.1:1
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\"Kubeconfig\" : \"(contents of /dev/fd/"))
        #expect(text.contains("\"replicaCount\" : 2"))
    }
}

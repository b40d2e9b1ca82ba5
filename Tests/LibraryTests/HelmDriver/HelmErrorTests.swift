import ChildProcess
import Testing

@testable import HelmDriver

@Suite("Classifying helm's errors")
struct HelmErrorTests {
    func classify(_ stderr: String) -> HelmError {
        HelmError.classify(command: "upgrade", stderr: stderr, status: .exited(1))
    }

    @Test("a pending release blocking an upgrade")
    func operationInProgress() {
        let error = classify("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n")
        #expect(error.kind == .operationInProgress)
        #expect(error.message == "UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress")
    }

    @Test("a missing release, as status and uninstall report it")
    func releaseNotFound() {
        #expect(classify("Error: release: not found").kind == .releaseNotFound)
        #expect(classify("Error: uninstall: Release not loaded: nginx: release: not found").kind == .releaseNotFound)
    }

    @Test("an uninstall whose wait timed out after the release was deleted")
    func uninstalledWithErrors() {
        let error = classify("Error: uninstallation completed with 1 error(s): context deadline exceeded\n")
        #expect(error.kind == .uninstalledWithErrors)
    }

    @Test("Helm 3's wait timeout")
    func helm3Timeout() {
        #expect(classify("Error: UPGRADE FAILED: timed out waiting for the condition").kind == .timedOut)
    }

    @Test("Helm 4's wait timeout, which continues on the next line")
    func helm4Timeout() {
        let error = classify(
            """
            Error: UPGRADE FAILED: resource Deployment/m/p-server not ready. status: InProgress, message: Available: 0/1
            context deadline exceeded
            """
        )
        #expect(error.kind == .timedOut)
        #expect(error.message.hasSuffix("Available: 0/1: context deadline exceeded"))
    }

    @Test("a chart version that does not exist")
    func chartNotFound() {
        #expect(classify(#"Error: chart "prometheus" version "9.9.9" not found in https://x repository"#).kind == .chartNotFound)
        #expect(classify(#"Error: INSTALLATION FAILED: chart "x" version "1" not found"#).kind == .chartNotFound)
    }

    @Test(
        "a chart missing from a repository's index, as real Helm words it",
        arguments: [
            #"Error: chart "ingress-nginx" matching 9.9.9 not found in ingress-nginx index. (try 'helm repo update'): no chart version found for ingress-nginx-9.9.9"#,
            "Error: no chart name found",
            "Error: repo ingress-nginx not found",
        ]
    )
    func chartNotInIndex(stderr: String) {
        #expect(classify(stderr).kind == .chartNotFound)
    }

    @Test(
        "an API server that cannot be reached is not a readiness timeout",
        arguments: [
            #"Error: Kubernetes cluster unreachable: Get "https://10.0.0.1:6443/version": dial tcp 10.0.0.1:6443: i/o timeout"#,
            #"Error: UPGRADE FAILED: Get "https://api.example:443/api/v1/namespaces/x/secrets": context deadline exceeded"#,
            #"Error: UPGRADE FAILED: query: failed to query with labels: Get "https://k:6443/api": net/http: request canceled (Client.Timeout exceeded while awaiting headers)"#,
        ]
    )
    func unreachable(stderr: String) {
        #expect(classify(stderr).kind == .clusterUnreachable)
    }

    @Test("Helm 3.21's wait timeout names no connection")
    func helm3WaitTimeout() {
        #expect(classify("Error: UPGRADE FAILED: context deadline exceeded").kind == .timedOut)
    }

    @Test("warnings before the error are not the message")
    func warningsAreSkipped() {
        let error = classify("WARNING: Kubernetes configuration file is group-readable\nError: something broke\n")
        #expect(error.message == "something broke")
        #expect(error.kind == .failed)
    }

    @Test("no output at all still says how helm ended")
    func silentFailure() {
        #expect(HelmError.classify(command: "status", stderr: "", status: .signaled(9)).message == "helm exited with killed by signal 9")
    }
}

import Testing

@testable import HelmDriver

@Suite("Helm argument lists")
struct HelmArgumentsTests {
    let release = ReleaseRef(name: "prometheus", namespace: "prometheus")

    @Test("apply is upgrade --install with wait, timeout, version and values files in order")
    func upgradeInstall() {
        let arguments = HelmArguments.upgradeInstall(
            release,
            chart: "prometheus-community/prometheus",
            version: "25.18.0",
            valuesFiles: ["/w/defaults.yaml", "/w/request.json"],
            timeout: .seconds(90),
            historyMax: 10
        )

        #expect(
            arguments == [
                "upgrade", "--install", "prometheus", "prometheus-community/prometheus", "--namespace", "prometheus",
                "--create-namespace", "--wait", "--timeout", "90s", "--history-max", "10", "--version", "25.18.0",
                "--values", "/w/defaults.yaml", "--values", "/w/request.json", "--output", "json",
            ]
        )
    }

    @Test("a local chart is given without --version")
    func localChartHasNoVersion() {
        let arguments = HelmArguments.upgradeInstall(
            release,
            chart: "/charts/prometheus",
            version: nil,
            valuesFiles: [],
            timeout: .seconds(5),
            historyMax: 3
        )
        #expect(!arguments.contains("--version"))
    }

    @Test("delete waits for the resources to go")
    func uninstall() {
        #expect(
            HelmArguments.uninstall(release, timeout: .seconds(60))
                == ["uninstall", "prometheus", "--namespace", "prometheus", "--wait", "--timeout", "60s"]
        )
    }

    @Test("rollback names the target revision")
    func rollback() {
        #expect(
            HelmArguments.rollback(release, to: 3, timeout: .seconds(30), historyMax: 10) == [
                "rollback", "prometheus", "3", "--namespace", "prometheus", "--wait", "--timeout", "30s",
                "--history-max", "10",
            ]
        )
    }

    @Test("durations are whole seconds, rounded up, never zero")
    func goDurations() {
        #expect(HelmArguments.goDuration(.milliseconds(1500)) == "2s")
        #expect(HelmArguments.goDuration(.zero) == "1s")
        #expect(HelmArguments.goDuration(.seconds(600)) == "600s")
    }

    @Test("commands are named by their leading words")
    func commandNames() {
        #expect(HelmClient.commandName(["repo", "add", "x", "y"]) == "repo add")
        #expect(HelmClient.commandName(["get", "values", "x"]) == "get values")
        #expect(HelmClient.commandName(["upgrade", "--install", "x"]) == "upgrade")
    }
}

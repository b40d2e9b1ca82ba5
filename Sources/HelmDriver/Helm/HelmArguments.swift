import FleetAPI

/// Argument lists for the helm subcommands we use. Only flags that Helm 3.x and 4.x (and the
/// testbed's helm) share appear here; secrets never do, they travel in files.
public enum HelmArguments {
    public static func upgradeInstall(
        _ release: ReleaseRef,
        chart: String,
        version: String?,
        valuesFiles: [String],
        timeout: Duration,
        historyMax: Int,
        forceConflicts: Bool = false,
        skipCRDs: Bool = false
    ) -> [String] {
        var arguments = ["upgrade", "--install", release.name, chart] + scope(release)
        arguments += ["--create-namespace", "--wait", "--timeout", goDuration(timeout), "--history-max", "\(historyMax)"]
        // Helm 4 only (Helm 3 applies client-side and has no such flag); the caller asks for it
        // only for a release its storage says was applied server-side.
        if forceConflicts { arguments.append("--force-conflicts") }
        // The caller applies the chart's CRDs itself (a CRD policy): helm must not create them on install.
        if skipCRDs { arguments.append("--skip-crds") }
        if let version { arguments += ["--version", version] }
        for file in valuesFiles { arguments += ["--values", file] }
        return arguments + ["--output", "json"]
    }

    /// The chart's CustomResourceDefinitions, its subcharts' included (`helm show crds`): what
    /// helm installs from `crds/` on a first install and never again.
    /// `helm pull oci://HOST/PATH/NAME --version V -d DIR`: the archive into DIR; helm prints the
    /// manifest digest ("Digest: sha256:...", pkg/registry/client.go Pull). `provenance`: `--prov`,
    /// the `.prov` beside it when the registry has one, not checked (pkg/action/pull.go VerifyLater).
    public static func pull(
        _ reference: String,
        version: String,
        destination: String,
        plainHTTP: Bool,
        registryConfig: String?,
        provenance: Bool = false
    ) -> [String] {
        ["pull", reference, "--version", version, "--destination", destination] + (plainHTTP ? ["--plain-http"] : [])
            + (registryConfig.map { ["--registry-config", $0] } ?? []) + (provenance ? ["--prov"] : [])
    }

    /// `helm verify ARCHIVE --keyring FILE`: the archive against its `.prov` (pkg/action/verify.go).
    public static func verify(_ archive: String, keyring: String) -> [String] {
        ["verify", archive, "--keyring", keyring]
    }

    public static func showCRDs(chart: String, version: String?) -> [String] {
        ["show", "crds", chart] + (version.map { ["--version", $0] } ?? [])
    }

    /// What `upgradeInstall` would write, rendered against the cluster and sent with `dryRun=All`
    /// (validated by the API server, stored nowhere): `--dry-run=server`, helm 3.13+ and 4.
    public static func upgradeInstallDryRun(
        _ release: ReleaseRef,
        chart: String,
        version: String?,
        valuesFiles: [String],
        timeout: Duration
    ) -> [String] {
        var arguments = ["upgrade", "--install", release.name, chart] + scope(release)
        arguments += ["--dry-run=server", "--timeout", goDuration(timeout)]
        if let version { arguments += ["--version", version] }
        for file in valuesFiles { arguments += ["--values", file] }
        return arguments + ["--output", "json"]
    }

    /// Runs the release's `helm.sh/hook: test` pods and prints their logs.
    public static func test(_ release: ReleaseRef, timeout: Duration) -> [String] {
        ["test", release.name] + scope(release) + ["--timeout", goDuration(timeout), "--logs"]
    }

    /// The deployed revision's manifest, as stored (hooks not included).
    public static func getManifest(_ release: ReleaseRef) -> [String] {
        ["get", "manifest", release.name] + scope(release)
    }

    public static func uninstall(_ release: ReleaseRef, timeout: Duration) -> [String] {
        ["uninstall", release.name] + scope(release) + ["--wait", "--timeout", goDuration(timeout)]
    }

    public static func rollback(_ release: ReleaseRef, to revision: Int, timeout: Duration, historyMax: Int) -> [String] {
        ["rollback", release.name, "\(revision)"] + scope(release)
            + ["--wait", "--timeout", goDuration(timeout), "--history-max", "\(historyMax)"]
    }

    public static func history(_ release: ReleaseRef, max: Int) -> [String] {
        ["history", release.name] + scope(release) + ["--max", "\(max)", "--output", "json"]
    }

    public static func status(_ release: ReleaseRef) -> [String] {
        ["status", release.name] + scope(release) + ["--output", "json"]
    }

    public static func getValues(_ release: ReleaseRef) -> [String] {
        ["get", "values", release.name] + scope(release) + ["--output", "json"]
    }

    public static func repoAdd(name: String, url: String) -> [String] {
        ["repo", "add", name, url, "--force-update"]
    }

    public static func repoUpdate(_ names: [String]) -> [String] {
        ["repo", "update"] + names
    }

    /// One of helm's settings (`helm env NAME` prints its value alone), e.g. where it caches indexes.
    public static func env(_ name: String) -> [String] {
        ["env", name]
    }

    /// Go's time.ParseDuration format, whole seconds rounded up (helm rejects bare numbers).
    public static func goDuration(_ duration: Duration) -> String {
        "\(max(1, Int(duration.seconds.rounded(.up))))s"
    }

    private static func scope(_ release: ReleaseRef) -> [String] {
        ["--namespace", release.namespace]
    }
}

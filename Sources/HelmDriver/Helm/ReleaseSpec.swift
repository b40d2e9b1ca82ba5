/// What `ReleaseManager.apply` installs: a chart reference helm understands and values files.
public struct ReleaseSpec: Sendable {
    public var release: ReleaseRef
    /// A local chart path or `REPO/CHART`.
    public var chart: String
    /// Passed as --version; nil for a local chart, whose version is its own.
    public var version: String?
    /// Layered in order, later documents winning, as with repeated `helm --values`.
    public var values: [ValuesDocument]
    /// Hook Jobs or Pods the chart runs on install and upgrade: helm waits for each up to its
    /// `--timeout`, so the deadline is shared among them and the wait for the release itself.
    public var hookWaits: Int
    /// Run the chart's tests (`helm test`) after a successful apply; a failed test fails the apply.
    public var runTests: Bool
    /// Server-side apply takes back fields other managers changed (`--force-conflicts`, Helm 4)
    /// instead of failing on them: for a release applied server-side only.
    public var forceConflicts = false
    /// helm leaves the chart's `crds/` alone (`--skip-crds`): the caller keeps the CRDs itself.
    public var skipCRDs = false

    public init(release: ReleaseRef, chart: String, version: String?, values: [ValuesDocument], hookWaits: Int = 0, runTests: Bool = false) {
        self.release = release
        self.chart = chart
        self.version = version
        self.values = values
        self.hookWaits = hookWaits
        self.runTests = runTests
    }
}

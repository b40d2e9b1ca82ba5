import Foundation
import Testing

@testable import HelmDriver

@Suite("Finding charts in a local chart directory")
struct ChartLocatorTests {
    static let charts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("testbed/charts").path
    let prometheus = ChartSpec(
        name: "prometheus",
        repositoryName: "prometheus-community",
        repositoryURL: "https://prometheus-community.github.io/helm-charts",
        defaultVersion: "25.18.0"
    )

    @Test("without a chart directory the chart comes from its repository, with --version")
    func repository() throws {
        let located = try ChartLocator(chartDirectory: nil).locate(prometheus, version: "25.18.0")
        #expect(located.reference == "prometheus-community/prometheus")
        #expect(located.version == "25.18.0")
    }

    @Test("CHART/ is used when its Chart.yaml has the version")
    func plainDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charts-\(UUID())").path
        try FileManager.default.createDirectory(atPath: "\(directory)/prometheus", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "apiVersion: v2\nname: prometheus\nversion: 25.18.0\n".write(
            toFile: "\(directory)/prometheus/Chart.yaml",
            atomically: true,
            encoding: .utf8
        )

        let located = try ChartLocator(chartDirectory: directory).locate(prometheus, version: "25.18.0")
        #expect(located.reference == "\(directory)/prometheus")
        #expect(located.version == nil)
    }

    @Test("CHART-VERSION/ is preferred for that version")
    func versionedDirectory() throws {
        let located = try ChartLocator(chartDirectory: Self.charts).locate(prometheus, version: "25.19.0")
        #expect(located.reference == "\(Self.charts)/prometheus-25.19.0")
    }

    @Test("CHART-VERSION.tgz, as helm package writes it, is found")
    func packagedChart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charts-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.createFile(atPath: "\(directory)/prometheus-2.0.0.tgz", contents: Data()))

        let located = try ChartLocator(chartDirectory: directory).locate(prometheus, version: "2.0.0")
        #expect(located.reference == "\(directory)/prometheus-2.0.0.tgz")
    }

    @Test("a version that is not there is an error naming chart, version and directory")
    func missingVersion() {
        #expect(throws: ChartLocator.NotFound(chart: "prometheus", version: "3.0.0", directory: Self.charts)) {
            try ChartLocator(chartDirectory: Self.charts).locate(prometheus, version: "3.0.0")
        }
    }

    @Test("the versions offered are those locate finds: archives, CHART-VERSION/ and CHART/ folders, not another chart's files")
    func versions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charts-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func folder(_ name: String, version: String) throws {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(name)", withIntermediateDirectories: true)
            try "apiVersion: v2\nname: prometheus\nversion: \(version)\n".write(
                toFile: "\(directory)/\(name)/Chart.yaml",
                atomically: true,
                encoding: .utf8
            )
        }
        try folder("prometheus-25.19.0", version: "25.19.0")
        try folder("prometheus", version: "24.0.0")
        try folder("prometheus-9.9.9", version: "1.0.0")
        #expect(FileManager.default.createFile(atPath: "\(directory)/prometheus-25.18.0.tgz", contents: Data()))
        #expect(FileManager.default.createFile(atPath: "\(directory)/prometheus-node-exporter-4.0.0.tgz", contents: Data()))

        #expect(ChartLocator(chartDirectory: directory).versions(of: prometheus) == ["25.19.0", "25.18.0", "24.0.0"])
        #expect(ChartLocator(chartDirectory: nil).versions(of: prometheus) == nil)
    }

    @Test("a repository index lists each chart's versions in its order")
    func repositoryIndex() throws {
        let index = """
            apiVersion: v1
            entries:
              prometheus:
                - {name: prometheus, version: 25.19.0, urls: [prometheus-25.19.0.tgz]}
                - {name: prometheus, version: 25.18.0, urls: [prometheus-25.18.0.tgz]}
              alertmanager: []
            generated: "2026-12-06T00:00:00Z"
            """

        #expect(try RepositoryIndex.versions(in: index) == ["prometheus": ["25.19.0", "25.18.0"], "alertmanager": []])
    }
}

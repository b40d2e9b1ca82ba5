import FleetAPI
import Foundation
import TestSupport
import Testing

/// The testbed's charts stand in for the upstream charts in every test, so they are held to the
/// upstream data: same names and versions, and only value keys upstream has, with its defaults.
/// A stand-in that accepted a key the real chart ignores would let a test pass for nothing.
@Suite("Testbed charts against the upstream charts")
struct TestbedChartTests {
    static var standIns: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: Testbed.charts))?.sorted() ?? []
    }

    @Test("every testbed chart is an upstream chart and version, in a folder named for both", arguments: standIns)
    func namedForUpstream(_ folder: String) throws {
        let ours = try UpstreamChart(directory: "\(Testbed.charts)/\(folder)")
        #expect(folder == "\(ours.name)-\(ours.version)")
        #expect(FileManager.default.fileExists(atPath: "\(UpstreamChart.root)/\(folder)/values.yaml"), "no upstream data for \(folder)")
    }

    @Test("every value key of a testbed chart exists upstream, with upstream's default", arguments: standIns)
    func valuesAreUpstreams(_ folder: String) throws {
        let ours = try UpstreamChart(directory: "\(Testbed.charts)/\(folder)")
        let upstream = try UpstreamChart(directory: "\(UpstreamChart.root)/\(folder)")
        #expect(Self.differences(ours, upstream) == [])
    }

    /// Each of our keys upstream lacks, or whose default differs, then the same for each subchart.
    static func differences(_ ours: UpstreamChart, _ upstream: UpstreamChart) -> [String] {
        var found: [String] = []
        func walk(_ mine: JSONValue, _ theirs: JSONValue?, _ path: [String]) {
            let shown = "\(ours.name): \(path.joined(separator: "."))"
            guard let theirs else { return found.append("\(shown) is not an upstream key") }
            if case .object(let map) = mine, !map.isEmpty, case .object = theirs {
                for key in map.keys.sorted() { walk(map[key]!, theirs.objectValue?[key], path + [key]) }
            } else if mine != theirs {
                found.append("\(shown) defaults to \(Self.short(mine)), upstream to \(Self.short(theirs))")
            }
        }
        walk(ours.values, upstream.values, [])
        let subcharts = (try? FileManager.default.contentsOfDirectory(atPath: "\(ours.directory)/charts")) ?? []
        for name in subcharts.sorted() {
            do {
                found += differences(try ours.subchart(name), try upstream.subchart(name))
            } catch {
                found.append("\(ours.name): subchart \(name): \(error)")
            }
        }
        return found
    }

    static func short(_ value: JSONValue) -> String {
        let text = String(decoding: value.encoded(), as: UTF8.self)
        return text.count <= 60 ? text : "\(text.prefix(57))..."
    }
}

import Foundation
import Testing

@testable import FleetAPI

@Suite("JSON values")
struct JSONValueTests {
    @Test("merging is deep and the right-hand side wins, as with layered Helm values files")
    func deepMerge() {
        let base: JSONValue = ["server": ["retention": "15d", "replicas": 1], "rbac": true]
        let over: JSONValue = ["server": ["retention": "30d"]]
        #expect(base.merging(over) == ["server": ["retention": "30d", "replicas": 1], "rbac": true])
    }

    @Test("whole numbers stay integers on the wire")
    func integersStayIntegers() throws {
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"replicas":2,"ratio":0.5}"#.utf8))
        #expect(String(decoding: decoded.encoded(), as: UTF8.self) == #"{"ratio":0.5,"replicas":2}"#)
    }

    @Test("a dotted path builds nested objects")
    func nestedPath() {
        #expect(JSONValue.nested("a.b.c", "x") == ["a": ["b": ["c": "x"]]])
    }

    @Test("chart versions follow SemVer, with an optional v")
    func chartVersions() {
        for valid in ["1.0.0", "v25.18.0", "0.40.0-rc.1", "1.2", "4.15.1+build.5"] {
            #expect(ChartVersion.isValid(valid), "\(valid)")
        }
        for invalid in ["", "latest", "1.0.0 ", "01.2.3", "1..2", "1.2.3.4", "; rm -rf /"] {
            #expect(!ChartVersion.isValid(invalid), "\(invalid)")
        }
    }
}

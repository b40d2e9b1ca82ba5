import Foundation
import Testing

@testable import HelmDriver

/// Reading whether an object is done the way kstatus does, plus the conditions operators write.
@Suite("Object status, as kstatus reads it")
struct ObjectStatusTests {
    static func object(generation: Int = 2, deleting: Bool = false, status: String = "{}") -> Data {
        let deletion = deleting ? #", "deletionTimestamp": "2026-12-06T00:00:00Z""# : ""
        return Data(#"{"kind": "Prometheus", "metadata": {"name": "p", "generation": \#(generation)\#(deletion)}, "status": \#(status)}"#.utf8)
    }

    static func condition(_ type: String, _ status: String, reason: String = "", generation: Int? = nil) -> String {
        #"{"type": "\#(type)", "status": "\#(status)", "reason": "\#(reason)"\#(generation.map { #", "observedGeneration": \#($0)"# } ?? "")}"#
    }

    @Test("an object without conditions or an observed generation is current, as kstatus assumes")
    func noStatus() {
        #expect(ObjectStatus(of: Self.object()) == .current)
    }

    @Test("an object being deleted is terminating")
    func terminating() {
        #expect(ObjectStatus(of: Self.object(deleting: true)) == .terminating)
    }

    @Test("status.observedGeneration behind metadata.generation is in progress, with kstatus's message")
    func generationNotObserved() {
        let status = ObjectStatus(of: Self.object(status: #"{"observedGeneration": 1}"#))
        #expect(status == .inProgress("Prometheus generation is 2, but latest observed generation is 1"))
    }

    @Test("Reconciling True is in progress; Stalled True is failed")
    func reconcilingAndStalled() {
        let reconciling = ObjectStatus(
            of: Self.object(status: #"{"conditions": [\#(Self.condition("Reconciling", "True", reason: "Progressing"))]}"#)
        )
        let stalled = ObjectStatus(of: Self.object(status: #"{"conditions": [\#(Self.condition("Stalled", "True", reason: "BadConfig"))]}"#))
        #expect(reconciling == .inProgress("Progressing"))
        #expect(stalled == .failed("BadConfig"))
    }

    @Test("a Ready condition decides: False is in progress, True current")
    func ready() {
        let notReady = ObjectStatus(of: Self.object(status: #"{"conditions": [\#(Self.condition("Ready", "False", reason: "Waiting"))]}"#))
        let isReady = ObjectStatus(of: Self.object(status: #"{"conditions": [\#(Self.condition("Ready", "True"))]}"#))
        #expect(notReady == .inProgress("Ready is False: Waiting"))
        #expect(isReady == .current)
    }

    @Test("a required condition must be there, for this generation, and True (prometheus-operator's Available)")
    func requiredCondition() {
        func status(_ conditions: String) -> ObjectStatus {
            ObjectStatus(of: Self.object(status: #"{"conditions": [\#(conditions)]}"#), required: ["Available"])
        }
        #expect(status("") == .inProgress("no Available condition yet"))
        #expect(status(Self.condition("Available", "True", generation: 1)) == .inProgress("Available is for generation 1, not 2"))
        #expect(
            status(Self.condition("Available", "Degraded", reason: "SomePodsNotReady", generation: 2))
                == .inProgress("Available is Degraded: SomePodsNotReady")
        )
        #expect(status(Self.condition("Available", "True", generation: 2)) == .current)
    }

    @Test("an answer that is not an object is in progress, never current")
    func unreadable() {
        #expect(ObjectStatus(of: Data("[]".utf8)) == .inProgress("the object cannot be read"))
    }
}

import NIOCore
import Testing

@testable import cloud

/// The finished deployments the cloud server answers from memory stay within their byte budget.
@Suite("Finished deployments in memory")
struct FinishedDeploymentsTests {
    @Test("past the budget the oldest go first; the newest stay")
    func oldestGoFirst() {
        let memory = FinishedDeployments(budget: 800)
        for index in 0..<5 { memory.remember(ByteBuffer(repeating: UInt8(ascii: "x"), count: 100), of: "d-\(index)") }
        #expect(memory.json(of: "d-0") != nil)

        for index in 5..<10 { memory.remember(ByteBuffer(repeating: UInt8(ascii: "x"), count: 100), of: "d-\(index)") }

        #expect(memory.json(of: "d-0") == nil && memory.json(of: "d-1") == nil)
        #expect((2..<10).allSatisfy { memory.json(of: "d-\($0)") != nil })
    }

    @Test("a document larger than an eighth of the budget is not kept")
    func largeNotKept() {
        let memory = FinishedDeployments(budget: 800)
        memory.remember(ByteBuffer(repeating: 0, count: 101), of: "big")
        #expect(memory.json(of: "big") == nil)
    }
}

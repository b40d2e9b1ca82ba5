import Testing

@testable import provisioner

/// The log the change feed reads from its end rather than scanning every retained job.
@Suite("Change log")
struct ChangeLogTests {
    @Test("the entries after a sequence number are those recorded later, oldest first, wherever it falls")
    func entriesAfter() {
        var log = ChangeLog()
        for (sequence, id) in [(2, "a"), (3, "b"), (7, "a"), (9, "c")] { log.append(id, at: UInt64(sequence)) }

        #expect(log.entries(after: 0).map(\.id) == ["a", "b", "a", "c"])
        #expect(log.entries(after: 3).map(\.sequence) == [7, 9])
        #expect(log.entries(after: 5).map(\.sequence) == [7, 9])
        #expect(log.entries(after: 9).isEmpty)
        #expect(log.entries(after: 100).isEmpty)
        #expect(ChangeLog().entries(after: 0).isEmpty)
    }

    @Test("stale entries are dropped only once they outnumber the live ones, and live ones are kept")
    func compaction() {
        var log = ChangeLog()
        for sequence in 1...200 { log.append("job", at: UInt64(sequence)) }
        log.compact(live: 100) { $0.sequence == 200 }
        #expect(log.entries.count == 200, "200 is not more than twice 100 and a few")

        log.compact(live: 1) { $0.sequence == 200 }
        #expect(log.entries == [ChangeLog.Entry(sequence: 200, id: "job")])
    }
}

/// The queue's status changes in sequence order: which job changed at which sequence number. The
/// change feed reads the end of it rather than scanning every retained job, so a read costs what
/// changed since, not the 10,000 deployments a provisioner keeps by default.
///
/// A job that changes again leaves its older entries behind, and so does one that is forgotten;
/// readers skip those (the queue knows each job's latest sequence) and `compact` drops them once
/// they outnumber the live ones.
struct ChangeLog: Sendable {
    struct Entry: Sendable, Equatable {
        var sequence: UInt64
        var id: String
    }

    private(set) var entries: [Entry] = []

    /// Records that `id` changed at `sequence`, which must be higher than any recorded before.
    mutating func append(_ id: String, at sequence: UInt64) {
        precondition(entries.last.map { $0.sequence < sequence } ?? true, "change sequence numbers only grow")
        entries.append(Entry(sequence: sequence, id: id))
    }

    /// The entries after `sequence`, oldest first, stale ones included.
    func entries(after sequence: UInt64) -> ArraySlice<Entry> {
        // Binary search: the entries are sorted by sequence.
        var low = entries.startIndex
        var high = entries.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if entries[middle].sequence <= sequence { low = middle + 1 } else { high = middle }
        }
        return entries[low...]
    }

    /// Keeps only the entries `isCurrent` accepts, once there are more than twice `live` (and a
    /// few): each entry is looked at a bounded number of times, however long the queue runs.
    mutating func compact(live: Int, isCurrent: (Entry) -> Bool) {
        guard entries.count > 2 * live + 64 else { return }
        entries.removeAll { !isCurrent($0) }
    }
}

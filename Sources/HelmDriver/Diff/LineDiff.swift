/// A unified diff of two texts, line by line, with three lines of context: what `diff -u` prints,
/// less the file header. Objects in a manifest are small, so the plain longest-common-subsequence
/// table is fast enough and keeps the code short.
public enum LineDiff {
    public static func unified(_ old: String, _ new: String, context: Int = 3) -> String {
        let a = old.isEmpty ? [] : old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.isEmpty ? [] : new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let edits = script(a, b)
        let changes = edits.indices.filter { edits[$0].kind != .same }
        guard let first = changes.first else { return "" }
        // Changes with no more than twice the context between them share a hunk.
        var hunks: [ClosedRange<Int>] = [first...first]
        for change in changes.dropFirst() {
            if change - hunks[hunks.count - 1].upperBound - 1 <= 2 * context {
                hunks[hunks.count - 1] = hunks[hunks.count - 1].lowerBound...change
            } else {
                hunks.append(change...change)
            }
        }
        var out: [String] = []
        for hunk in hunks {
            let lines = edits[max(0, hunk.lowerBound - context)..<min(edits.count, hunk.upperBound + context + 1)]
            let oldCount = lines.count { $0.kind != .added }
            let newCount = lines.count { $0.kind != .removed }
            let oldStart = (lines.first?.oldLine ?? 0) + (oldCount > 0 ? 1 : 0)
            let newStart = (lines.first?.newLine ?? 0) + (newCount > 0 ? 1 : 0)
            out.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for edit in lines {
                switch edit.kind {
                case .same: out.append(" " + edit.text)
                case .removed: out.append("-" + edit.text)
                case .added: out.append("+" + edit.text)
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    struct Edit {
        enum Kind { case same, removed, added }
        var kind: Kind
        var text: String
        /// Where the hunk starts in either text (the line this edit is at, or would be).
        var oldLine: Int
        var newLine: Int
    }

    static func script(_ a: [String], _ b: [String]) -> [Edit] {
        // lcs[i][j]: the longest common subsequence of a[i...] and b[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var edits: [Edit] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                edits.append(Edit(kind: .same, text: a[i], oldLine: i, newLine: j))
                (i, j) = (i + 1, j + 1)
            } else if j < b.count, i == a.count || lcs[i][j + 1] > lcs[i + 1][j] {  // removals first, as diff -u
                edits.append(Edit(kind: .added, text: b[j], oldLine: i, newLine: j))
                j += 1
            } else {
                edits.append(Edit(kind: .removed, text: a[i], oldLine: i, newLine: j))
                i += 1
            }
        }
        return edits
    }
}

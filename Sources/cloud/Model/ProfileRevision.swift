/// One revision of a profile as kept: the document as it was applied (nil when this revision
/// deleted the profile), who applied it, and the Git commit it came from, if any.
struct ProfileRevision: Codable, Sendable, Equatable {
    var name: String
    var revision: Int
    var document: String?
    var author: String?
    var commit: String?
    var createAt: Int64
}

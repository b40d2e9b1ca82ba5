/// What was done to a release to get it out of a failed or pending state.
public struct RemediationRecord: Sendable, Hashable, Codable {
    /// "rollback" or "uninstall".
    public var action: String
    /// The revision rolled back to.
    public var revision: Int?
    /// Why the step itself failed; nil when it worked.
    public var error: String?

    public init(action: String, revision: Int?, error: String?) {
        self.action = action
        self.revision = revision
        self.error = error
    }
}

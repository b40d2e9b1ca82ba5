import Foundation

/// The environment variables that stand in for repeatable flags hold their entries separated by
/// commas (`PROVISIONER_ALLOWED_REPOSITORIES=https://a/*,https://b/*`).
public enum CommaSeparated {
    /// The entries of `value`, trimmed, empty ones dropped; none for nil.
    public static func entries(_ value: String?) -> [String] {
        value?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
    }
}

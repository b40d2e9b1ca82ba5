/// The version both binaries report.
public enum BuildInfo {
    public static let version = "0.1.0"
}

/// Helm chart versions are SemVer 2; a leading "v" is tolerated as Helm does.
public enum ChartVersion {
    public static func isValid(_ version: String) -> Bool {
        version.wholeMatch(of: /v?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?/) != nil
    }
}

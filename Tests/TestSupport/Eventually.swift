/// Waits until `condition` holds, asking again every few milliseconds, for at most `timeout` of
/// real time; returns whether it held. For what a test cannot be told of (another process, a
/// background task): assert on the result, never sleep a fixed time. The default bound is generous:
/// with every suite running at once on two cores, a background task may not be scheduled for
/// seconds (the pruner's second pass once took longer than ten), and the bound costs only a test
/// that fails anyway.
public func eventually(
    timeout: Duration = .seconds(60),
    every interval: Duration = .milliseconds(5),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: interval)
    }
}

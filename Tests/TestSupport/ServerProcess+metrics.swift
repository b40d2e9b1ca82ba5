extension ServerProcess {
    /// `/metrics` once it contains `series`: a request is counted after its answer is written, which
    /// can be just after the client has read it.
    public func metrics(containing series: String, timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = try await request("GET", "/metrics").text
            if text.contains(series) { return text }
            guard ContinuousClock.now < deadline else { throw StartFailure(log: "/metrics never showed \(series):\n\(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

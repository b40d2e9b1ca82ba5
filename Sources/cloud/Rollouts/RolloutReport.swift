/// A rollout as the API shows it: everything stored, plus the counts per cluster state, the
/// current wave and an estimate of the time left, worked out when asked.
struct RolloutReport: Encodable, Sendable {
    let rollout: Rollout
    let now: Int64

    struct Counts: Codable, Sendable, Equatable {
        var succeeded = 0
        var failed = 0
        var running = 0
        var waiting = 0
        var skipped = 0
        var cancelled = 0

        enum CodingKeys: String, CodingKey {
            case succeeded
            case failed
            case running
            case waiting
            case skipped
            case cancelled
        }
    }

    var counts: Counts {
        var counts = Counts()
        for cluster in rollout.clusters {
            switch cluster.state {
            case .succeeded: counts.succeeded += 1
            case .failed: counts.failed += 1
            case .running: counts.running += 1
            case .waiting: counts.waiting += 1
            case .skipped: counts.skipped += 1
            case .cancelled: counts.cancelled += 1
            }
        }
        return counts
    }

    /// Seconds left: the mean duration of the waves that ran (plus the soak) for each wave not
    /// yet ended; nil until one has ended, and for a rollout that is over.
    var etaSeconds: Int64? {
        guard !rollout.state.isFinal else { return nil }
        let durations = (0..<max(rollout.wave, 0)).compactMap(duration(ofWave:))
        guard !durations.isEmpty else { return nil }
        let mean = durations.reduce(0, +) / Int64(durations.count)
        let soak = Int64(rollout.strategy.soakSeconds) * 1000
        let current = rollout.wave >= 0 ? rollout.clusters.filter { $0.wave == rollout.wave } : []
        let inFlight = current.contains { !$0.state.isFinal }
        let started = current.map(\.startAt).filter { $0 > 0 }.min() ?? now
        let left = inFlight ? max(0, mean - (now - started)) + soak : 0
        let waves = Int64(rollout.waves.count - rollout.wave - 1)
        return (left + waves * (mean + soak)) / 1000
    }

    private func duration(ofWave wave: Int) -> Int64? {
        let clusters = rollout.clusters.filter { $0.wave == wave && $0.startAt > 0 }
        guard let start = clusters.map(\.startAt).min(), let end = clusters.map(\.endAt).max(), end >= start else { return nil }
        return end - start
    }

    enum CodingKeys: String, CodingKey {
        case counts
        case currentWave
        case waveCount
        case etaSeconds
    }

    func encode(to encoder: any Encoder) throws {
        try rollout.countedFromOne.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(counts, forKey: .counts)
        try container.encode(rollout.wave + 1, forKey: .currentWave)
        try container.encode(rollout.waves.count, forKey: .waveCount)
        try container.encodeIfPresent(etaSeconds, forKey: .etaSeconds)
    }
}

/// How a deployment's time is split for helm. Helm's `--timeout` bounds each waiting phase on its
/// own, not the command: every hook Job or Pod is waited for up to `--timeout` in turn
/// (`execHook` in pkg/action/hooks.go, v3 and v4), and so is the release's resources (`--wait`),
/// so an upgrade with a pre- and a post-upgrade hook Job can take three times `--timeout`.
enum HelmTimeout {
    /// Helm's own --timeout, such that all `phases` fit a little inside our deadline: helm then
    /// reports a timeout itself (and records the revision failed) before we have to kill it.
    /// After its wait gives up, helm still writes the failed revision over the API; on a loaded
    /// host 3 s was seen not to be enough for that, so the margin is at least 5 s.
    static func forHelm(until deadline: ContinuousClock.Instant, phases: Int = 1) -> Duration {
        forHelm(remaining: deadline - .now, phases: phases)
    }

    static func forHelm(remaining: Duration, phases: Int) -> Duration {
        let margin = min(max(remaining / 5, .seconds(5)), .seconds(15))
        return max((remaining - margin) / max(phases, 1), .seconds(1))
    }
}

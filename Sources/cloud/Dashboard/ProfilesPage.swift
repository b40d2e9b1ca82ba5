import FleetAPI
import Foundation

/// `/ui/profiles`: each profile, what it selects, how it stands on its clusters, its revisions,
/// and what its current revision would still change (its plan).
struct ProfilesPage: Sendable {
    var page: PageContext
    var profiles: [Entry]

    struct Entry: Sendable {
        var name: String
        var revision: Int
        var selector: String
        var clusters: Int
        /// `3 in-sync · 1 failed`, in the states' order.
        var counts: String
        var states: [State]
        var revisions: [Revision]
        var plan: [Change]
        /// `2 change(s)`, or `nothing`.
        var planned: String
    }

    struct State: Sendable {
        var cluster: String
        var clusterID: String
        var service: String
        var state: String
        var stateClass: String
        var detail: String?
    }

    struct Revision: Sendable {
        var revision: Int
        var author: String
        var commit: String?
        var time: String
        var deleted: Bool
    }

    struct Change: Sendable {
        var cluster: String
        var service: String
        var change: String
        var wave: String
        var versions: String
        var values: String
    }

    static func entry(_ revised: ProfileReconciliation.Revised, status: ProfileStatus, plan: ProfilePlan, revisions: [ProfileRevision]) -> Entry {
        Entry(
            name: revised.profile.name,
            revision: revised.revision,
            selector: revised.profile.selector.description,
            clusters: Set(status.clusters.map(\.clusterID)).count,
            counts: ProfileStatus.State.allCases.compactMap { state in status.counts[state.rawValue].map { "\($0) \(state.rawValue)" } }
                .joined(separator: " · "),
            states: status.clusters.map {
                State(
                    cluster: $0.name,
                    clusterID: $0.clusterID,
                    service: $0.service.rawValue,
                    state: $0.state.rawValue,
                    stateClass: stateClass($0.state),
                    detail: $0.detail
                )
            },
            revisions: revisions.map {
                Revision(
                    revision: $0.revision,
                    author: $0.author ?? "-",
                    commit: $0.commit,
                    time: PageContext.time($0.createAt),
                    deleted: $0.document == nil
                )
            },
            plan: plan.changes.map {
                Change(
                    cluster: $0.name,
                    service: $0.service.rawValue,
                    change: $0.change.rawValue,
                    wave: $0.wave.map(String.init) ?? "-",
                    versions: "\($0.from ?? "-") → \($0.to ?? "-")",
                    values: $0.valuesShown
                )
            },
            planned: plan.changes.isEmpty ? "nothing" : "\(plan.changes.count) change(s)"
        )
    }

    private static func stateClass(_ state: ProfileStatus.State) -> String {
        switch state {
        case .inSync: "ok"
        case .failed: "bad"
        case .drifted, .waitingForWindow, .held: "warn"
        case .pending: "off"
        case .rollingOut: "run"
        }
    }
}

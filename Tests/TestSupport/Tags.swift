import Foundation
public import Testing

extension Tag {
    /// Starts real processes: the servers, the testbed's helm and emulator, moto or PostgreSQL.
    @Tag public static var integration: Self
    /// The fleet under failure (`make e2e`): minutes long.
    @Tag public static var chaos: Self
}

extension Trait where Self == ConditionTrait {
    /// Beside `.tags(.integration)`: off in a fast run (`FAST=1 swift test --skip ChaosTests`).
    /// swift-testing 6.3 cannot select by tag from the command line (`--filter tag:...` came
    /// later, swift-testing#1531); with a toolchain that can, `--skip tag:integration` does the same.
    public static var skippedInFastRuns: Self {
        .disabled(if: ProcessInfo.processInfo.environment["FAST"] == "1", "FAST=1: only tests that start no process")
    }
}

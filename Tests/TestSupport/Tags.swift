import Testing

extension Tag {
    /// Starts real processes: the servers, the testbed's helm and emulator, moto or PostgreSQL.
    /// `swift test --skip-tags integration` (Swift 6.3: `--filter`/`--skip` by tag) runs the rest in seconds.
    @Tag public static var integration: Self
    /// The fleet under failure (`make e2e`): minutes long.
    @Tag public static var chaos: Self
}

public import FleetAPI

extension AddressPolicy {
    /// What the test harnesses allow besides the defaults: the testbed's emulator, chart
    /// repositories and webhook receivers listen on 127.0.0.1, which no server reaches unless told.
    public static let testbedRanges = ["0.0.0.0/0", "::/0", "127.0.0.0/8", "::1/128"]

    /// Any public or private address, and loopback, which the emulator is on.
    public static let testbedAPIServers = AddressPolicy.apiServers.allowing(testbedRanges.compactMap(AddressRange.init(parsing:)).map { .range($0) })
    /// Any public address, and loopback, where tests run their receivers.
    public static let testbedWebhooks = AddressPolicy.webhooks.allowing(testbedRanges.compactMap(AddressRange.init(parsing:)).map { .range($0) })
}

extension KubeconfigPolicy {
    /// The default policy, with the testbed's emulator (on loopback) within reach.
    public static let testbed = KubeconfigPolicy(servers: .testbedAPIServers)
}

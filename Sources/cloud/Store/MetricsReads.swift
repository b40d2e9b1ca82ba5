import Telemetry

/// What the cloud server's metrics and traces read of the store.
protocol MetricsReads: Sendable {
    /// The fleet's gauges as they stand now (`FleetMetrics.show`).
    func fleetGauges() async throws -> FleetGauges
    /// Tells `observe` how long each database call waited for a connection and then ran.
    func observeCalls(_ observe: @escaping @Sendable (_ waited: Duration, _ ran: Duration) -> Void)
    /// Makes a span of each database call made within a traced one.
    func traceCalls(with tracer: OTLPTracer)
}

/// The cloud server's own Prometheus series, each with what its `# HELP` line says.
enum FleetMetrics {
    static let help = [
        "cloud_up": "1 while this cloud server runs."
    ]
}

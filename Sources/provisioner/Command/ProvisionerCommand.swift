import ArgumentParser
import Internal

@main
struct ProvisionerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisioner",
        abstract: "Deploys third-party services (Prometheus, Fluent Bit, NGINX) onto Kubernetes clusters with Helm.",
        version: BuildInfo.version)

    func run() async throws {
        for service in ServiceCatalog.standard.all {
            print("\(service.name)\t\(service.chart.repositoryName)/\(service.chart.name)\t\(service.chart.defaultVersion)")
        }
    }
}

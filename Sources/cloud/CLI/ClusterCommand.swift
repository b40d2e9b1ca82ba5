import ArgumentParser
import Foundation
import Internal

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Register clusters and provision their utilities.",
        subcommands: [Register.self, List.self, Get.self, Delete.self, Utilities.self, Provision.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an existing cluster by its kubeconfig.")
        @OptionGroup var options: ClientOptions
        @Option(help: "A unique name for the cluster.") var name: String
        @Option(help: "Path of the cluster's kubeconfig file.") var kubeconfig: String?
        @Option(help: "Keep only a reference: the kubeconfig is in S3 at BUCKET/KEY.") var kubeconfigS3: String?
        @Option(help: "Keep only a reference: the kubeconfig is the Secrets Manager secret with this ID.") var kubeconfigSecret: String?
        @Option(help: "An EKS cluster's name: the provisioner builds its kubeconfig with its own AWS credentials.") var eksCluster: String?
        @Option(help: "The EKS cluster's region, e.g. us-east-1 (with --eks-cluster).") var eksRegion: String?
        @Option(help: "The private domain services register DNS names under.") var privateDomain: String?
        @Option(help: "The Route53 private hosted zone ID for that domain.") var privateHostedZoneID: String?
        @Option(name: .customLong("label"), help: "A label; repeat for several.") var labels: [String] = []
        @Flag(help: "Print the request instead of sending it.") var dryRun = false

        func run() async throws {
            var body: [String: JSONValue] = ["Name": .string(name), "Labels": .array(labels.map(JSONValue.string))]
            let sources = [kubeconfig, kubeconfigS3, kubeconfigSecret, eksCluster].compactMap { $0 }
            guard sources.count == 1 else {
                throw ValidationError("give exactly one of --kubeconfig, --kubeconfig-s3, --kubeconfig-secret, --eks-cluster")
            }
            guard (eksCluster == nil) == (eksRegion == nil) else { throw ValidationError("--eks-cluster and --eks-region go together") }
            if let path = kubeconfig {
                guard let data = InputFile.read(path), let text = String(data: data, encoding: .utf8) else {
                    throw ValidationError("--kubeconfig: cannot read \(path)")
                }
                body["Kubeconfig"] = dryRun ? .string("(contents of \(path))") : .string(text)
            } else if let location = kubeconfigS3 {
                guard let slash = location.firstIndex(of: "/") else { throw ValidationError("--kubeconfig-s3 takes BUCKET/KEY") }
                body["KubeconfigSource"] = ["S3": ["Bucket": .string(String(location[..<slash])), "Key": .string(String(location[location.index(after: slash)...]))]]
            } else if let secret = kubeconfigSecret {
                body["KubeconfigSource"] = ["SecretsManager": ["SecretID": .string(secret)]]
            } else if let eksCluster, let eksRegion {
                body["KubeconfigSource"] = ["EKS": ["Cluster": .string(eksCluster), "Region": .string(eksRegion)]]
            }
            if privateDomain != nil || privateHostedZoneID != nil {
                body["DNS"] = .object([
                    "PrivateDomain": privateDomain.map(JSONValue.string) ?? .null,
                    "PrivateHostedZoneID": privateHostedZoneID.map(JSONValue.string) ?? .null,
                ])
            }
            if dryRun { return try Printer.encodable(JSONValue.object(body)) }
            Printer.json(try await options.client.call("POST", "/api/clusters", body: JSONValue.object(body)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered clusters.")
        @OptionGroup var options: ClientOptions
        @Option var page = 0
        @Option var perPage = 100
        @Option(help: "Only clusters with this label.") var label: String?

        func run() async throws {
            var path = "/api/clusters?page=\(page)&per_page=\(perPage)"
            if let label { path += "&label=\(label.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? label)" }
            let data = try await options.client.call("GET", path)
            guard options.output == .table else { return Printer.json(data) }
            let clusters = try JSONDecoder().decode([Cluster].self, from: data)
            Printer.table(["ID", "NAME", "LABELS", "UTILITIES"], clusters.map { cluster in
                let actual = cluster.utilities.actualVersions.compactMap { name, version in version.map { "\(name)=\($0.chart)" } }
                return [cluster.id, cluster.name, cluster.labels.joined(separator: ","), actual.sorted().joined(separator: " ")]
            })
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one cluster (never its kubeconfig).")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster ID.") var cluster: String
        func run() async throws { Printer.json(try await options.client.call("GET", "/api/cluster/\(cluster)")) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a cluster; refused while deployments are in flight.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster ID.") var cluster: String
        func run() async throws { _ = try await options.client.call("DELETE", "/api/cluster/\(cluster)") }
    }

    struct Utilities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a cluster's desired and actual utility versions.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster ID.") var cluster: String
        func run() async throws { Printer.json(try await options.client.call("GET", "/api/cluster/\(cluster)/utilities")) }
    }

    struct Provision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set utility versions; one deployment per changed utility, nginx first.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster ID.") var cluster: String
        @Option(help: "Chart version of Prometheus.") var prometheusVersion: String?
        @Option(help: "Chart version of Fluent Bit.") var fluentbitVersion: String?
        @Option(help: "Chart version of the NGINX ingress controller.") var nginxVersion: String?
        @Flag(help: "Print the request instead of sending it.") var dryRun = false

        func run() async throws {
            let versions = ["prometheus": prometheusVersion, "fluentbit": fluentbitVersion, "nginx": nginxVersion]
                .compactMapValues { $0 }.mapValues { JSONValue.object(["Chart": .string($0)]) }
            guard !versions.isEmpty else {
                throw ValidationError("name at least one of --prometheus-version, --fluentbit-version, --nginx-version")
            }
            let body = JSONValue.object(["utility-versions": .object(versions)])
            if dryRun { return try Printer.encodable(body) }
            Printer.json(try await options.client.call("POST", "/api/cluster/\(cluster)/provision", body: body))
        }
    }
}

import ArgumentParser
import FleetAPI
import Foundation

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Register clusters and provision their utilities.",
        subcommands: [Register.self, List.self, Get.self, Label.self, Delete.self, Utilities.self, Provision.self, Diff.self, Drift.self]
    )

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
                body["KubeconfigSource"] = [
                    "S3": ["Bucket": .string(String(location[..<slash])), "Key": .string(String(location[location.index(after: slash)...]))]
                ]
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
            if dryRun { return try options.output.print(value: JSONValue.object(body)) }
            try options.output.print(try await options.client.call("POST", "/api/clusters", body: JSONValue.object(body)), table: Tables.clusters)
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
            if let label { path += "&label=\(CLIClient.segment(label))" }
            try options.output.print(try await options.client.call("GET", path), table: Tables.clusters)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one cluster (never its kubeconfig).")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String

        func run() async throws {
            let client = try options.client
            try options.output.print(try await client.call("GET", try await client.clusterPath(cluster)), table: Tables.clusters)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a cluster; refused while deployments are in flight.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String

        func run() async throws {
            let client = try options.client
            _ = try await client.call("DELETE", try await client.clusterPath(cluster))
        }
    }

    struct Utilities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a cluster's desired and actual utility versions.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String

        func run() async throws {
            let client = try options.client
            try options.output.print(try await client.call("GET", try await client.clusterPath(cluster, "/utilities")), table: Tables.utilities)
        }
    }

    struct Provision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set utility versions; one deployment per changed utility, each after what it depends on."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The cluster's ID or name.") var cluster: String
        @Option(help: "Chart version of Prometheus.") var prometheusVersion: String?
        @Option(help: "Chart version of Fluent Bit.") var fluentbitVersion: String?
        @Option(help: "Chart version of the NGINX ingress controller.") var nginxVersion: String?
        @Option(
            name: .customLong("utility"),
            help: ArgumentHelp("Chart version of any service a provisioner offers; repeat for several.", valueName: "SERVICE=VERSION"),
            transform: ServiceSetting.parser("utility", "VERSION")
        )
        var utilities: [ServiceSetting] = []
        @Option(
            name: .customLong("values"),
            help: ArgumentHelp("A YAML or JSON file of values for that service's deployment; repeat for several.", valueName: "SERVICE=FILE"),
            transform: ServiceSetting.parser("values", "FILE")
        )
        var values: [ServiceSetting] = []
        @Flag(help: "Print the request instead of sending it.") var dryRun = false

        func run() async throws {
            let body = JSONValue.object(["utility-versions": .object(try utilityVersions())])
            if dryRun { return try options.output.print(value: body) }
            let client = try options.client
            try options.output.print(
                try await client.call("POST", try await client.clusterPath(cluster, "/provision"), body: body),
                table: Tables.deployments
            )
        }

        /// Per service, its version and values, from the Go-compatible flags and the generic ones.
        func utilityVersions() throws -> [String: JSONValue] {
            let named = [
                ServiceSetting(service: "prometheus", value: prometheusVersion), ServiceSetting(service: "fluentbit", value: fluentbitVersion),
                ServiceSetting(service: "nginx", value: nginxVersion),
            ].compactMap { $0 }
            var versions: [String: JSONValue] = [:]
            for setting in named + utilities {
                guard versions[setting.service.rawValue] == nil else { throw ValidationError("\(setting.service): version given twice") }
                versions[setting.service.rawValue] = .object(["Chart": .string(setting.value)])
            }
            guard !versions.isEmpty else {
                throw ValidationError("name at least one of --prometheus-version, --fluentbit-version, --nginx-version, --utility")
            }
            for setting in values {
                let option = "--values \(setting.service)=\(setting.value)"
                guard case .object(var utility)? = versions[setting.service.rawValue] else {
                    throw ValidationError("\(option): give \(setting.service)'s version too (--utility \(setting.service)=VERSION)")
                }
                guard utility["Values"] == nil else { throw ValidationError("\(option): values given twice") }
                utility["Values"] = try Self.readValues(setting.value, option: option)
                versions[setting.service.rawValue] = .object(utility)
            }
            return versions
        }

        static func readValues(_ path: String, option: String) throws -> JSONValue {
            guard let data = InputFile.read(path), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("\(option): cannot read \(path)")
            }
            // As helm takes `-f empty.yaml`: no values.
            if text.allSatisfy(\.isWhitespace) { return [:] }
            let parsed: JSONValue
            do {
                parsed = try JSONValue(yaml: text)
            } catch {
                throw ValidationError("\(option): not YAML or JSON (\(String(describing: error).prefix { !$0.isNewline }))")
            }
            guard parsed.objectValue != nil else { throw ValidationError("\(option): the file must hold a mapping of values") }
            return parsed
        }
    }
}

extension ServiceSetting {
    fileprivate init?(service: ServiceName, value: String?) {
        guard let value else { return nil }
        self.init(service: service, value: value)
    }
}

import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Traces from the CLI through the cloud server and the provisioner to helm, received by an OTLP
/// endpoint on loopback as a collector would receive them.
@Suite("Traces end to end", .serialized, .tags(.integration), .skippedInFastRuns)
struct TracingEndToEndTests {
    @Test("one trace runs from `cloud deployment create` through the cloud server's dispatch and the provisioner's job to the helm run")
    func oneTraceFromCLIToHelm() async throws {
        let receiver = try await OTLPReceiver()
        let otel = ["--otel-endpoint", receiver.endpoint]
        let stack = try await LocalStack(.init(provisioners: 1, provisionerArguments: otel, serverArguments: otel))
        defer { stack.close() }
        let cluster = try await stack.send("POST", "/api/clusters", ["Name": "traced", "Kubeconfig": .string(stack.emulator.kubeconfig)])
            .decode(Cluster.self)

        let run = try await CommandRun.run(
            ServerProcess.binary("cloud"),
            ["deployment", "create", "--server", stack.server.baseURL, "--cluster", cluster.id, "--service", "nginx"] + otel
        )
        #expect(run.status == 0, "\(run.stderr)")
        let created = try WireJSON.decoder().decode(Deployment.self, from: Data(run.stdout.utf8))
        let traceParent = try #require(created.traceParent)
        let traceID = String(traceParent.split(separator: "-")[1])

        var ended: Deployment?
        #expect(
            await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
                ended = try? await stack.send("GET", "/api/deployment/\(created.id)").decode(Deployment.self)
                return ended?.state.isFinal == true
            }
        )
        #expect(ended?.state == .succeeded)

        // Each server sends what ended every second.
        let names = ["cloud deployment create", "POST /api/deployments", "dispatch", "apply nginx", "helm upgrade"]
        #expect(
            await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                let inTrace = Set(receiver.spans.filter { $0.traceID == traceID }.map(\.name))
                return names.allSatisfy(inTrace.contains)
            },
            "\(receiver.spans.filter { $0.traceID == traceID })"
        )
        let trace = receiver.spans.filter { $0.traceID == traceID }
        let byID = Dictionary(trace.map { ($0.spanID, $0) }) { first, _ in first }

        // From the helm run up through its parents to the CLI's command, which has none.
        let helm = try #require(trace.first { $0.name == "helm upgrade" })
        var chain = [helm]
        while let parent = chain.last?.parentSpanID, let span = byID[parent] { chain.append(span) }
        #expect(chain.last?.name == "cloud deployment create" && chain.last?.parentSpanID == nil)
        #expect(
            chain.map { "\($0.service): \($0.name)" } == [
                "provisioner: helm upgrade", "provisioner: apply nginx", "provisioner: POST /api/deployments", "cloud: dispatch",
                "cloud: POST /api/deployments", "cloud-cli: cloud deployment create",
            ]
        )
        #expect(helm.attributes["helm.release"] == "nginx" && helm.attributes["helm.outcome"] == "succeeded")
        #expect(trace.contains { $0.service == "cloud" && $0.name.hasPrefix("store ") }, "store calls within the request are spans")
        // Values and kubeconfigs stay out of spans.
        let allowed: Set = [
            "helm.command", "helm.release", "helm.outcome", "k8s.namespace.name", "http.request.method", "http.route",
            "http.response.status_code", "db.system", "cloud.deployment", "cloud.cluster", "cloud.service", "cloud.drifted",
        ]
        #expect(trace.flatMap(\.attributes.keys).allSatisfy(allowed.contains), "\(Set(trace.flatMap(\.attributes.keys)))")
    }

    @Test("a traceparent a client made up is not trusted: an invalid one starts a new trace, a valid one is joined")
    func hostileTraceParent() async throws {
        let receiver = try await OTLPReceiver()
        let scratch = try Testbed.makeScratchDirectory()
        let server = try await ServerProcess.cloudServer(
            database: "\(scratch)/cloud.db",
            provisioners: [],
            arguments: ["--otel-endpoint", receiver.endpoint]
        )
        defer { server.stop() }
        let joined = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        for header in [
            joined, "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01", "00-00000000000000000000000000000000-b7ad6b7169203331-01", "junk",
        ] {
            _ = try await CommandRun.run(
                "/usr/bin/curl",
                ["-s", "-o", "/dev/null", "-H", "traceparent: \(header)", "\(server.baseURL)/api/clusters"]
            )
        }
        #expect(await eventually(timeout: .seconds(30)) { receiver.spans.filter { $0.name == "GET /api/clusters" }.count == 4 })
        let requests = receiver.spans.filter { $0.name == "GET /api/clusters" }
        #expect(requests.filter { $0.traceID == "0af7651916cd43dd8448eb211c80319c" }.map(\.parentSpanID) == ["b7ad6b7169203331"])
        #expect(requests.filter { $0.parentSpanID != nil }.count == 1, "the three made-up headers started traces of their own")
    }
}

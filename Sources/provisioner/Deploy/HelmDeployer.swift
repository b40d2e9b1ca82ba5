import FleetAPI
import Foundation
import HelmDriver
import Logging

/// Deploys a service's chart with helm: picks the chart (repository or local directory), layers
/// the values (shipped defaults, then per-cluster, then the request's), and runs the service's hooks.
struct HelmDeployer: Deployer {
    let kind = DeploymentStrategy.Kind.helm
    let releases: ReleaseManager
    let locator: ChartLocator
    let repositories: RepositoryCache
    /// The cluster each request names, reached as its kubeconfig (or EKS) says.
    let access: ClusterAccess
    /// `ValuesFrom`, fetched and kept for a while.
    let referencedValues: ReferencedValues
    let logger: Logger
    /// Told each helm process ID as it starts, for tests that interrupt helm.
    var onHelmStart: (@Sendable (pid_t) -> Void)?
    /// Releases found in sync, so an unchanged one is not decoded and compared again.
    let driftMemory = DriftMemory()
    /// Where charts from OCI registries come from, and the cache they are kept in.
    let registries: ChartRegistries
    let charts: ChartCache
    let logins: RegistryLogins

    init(
        releases: ReleaseManager,
        chartDirectory: String?,
        registries: ChartRegistries? = nil,
        aws: AWSClient,
        kubeconfigPolicy: KubeconfigPolicy = .dataOnly,
        valuesFromLifetime: Duration = .seconds(300),
        logger: Logger
    ) {
        self.releases = releases
        self.locator = ChartLocator(chartDirectory: chartDirectory)
        self.repositories = RepositoryCache(helm: releases.helm)
        let registries = registries ?? ChartRegistries(cacheDirectory: "\(releases.helm.configuration.workDirectory)/charts")
        self.registries = registries
        self.charts = ChartCache(
            directory: registries.cacheDirectory,
            capacity: registries.cacheCapacity,
            tagLifetime: registries.tagLifetime,
            helm: releases.helm,
            provenance: registries.keyring != nil
        )
        self.access = ClusterAccess(
            aws: aws,
            kubeconfigPolicy: kubeconfigPolicy,
            workDirectory: releases.helm.configuration.workDirectory,
            logger: logger
        )
        self.referencedValues = ReferencedValues(aws: aws, lifetime: valuesFromLifetime)
        self.logins = RegistryLogins(
            configured: registries.registryConfig,
            ecrRegistries: registries.ecrRegistries,
            aws: aws,
            directory: registries.cacheDirectory
        )
        self.logger = logger
    }

    func run(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        timeout: Duration,
        events: DeploymentEvents,
        kubeconfig: Kubeconfig?
    ) async -> DeploymentResult {
        let deadline = ContinuousClock.now + timeout
        let bounds = RunBounds(
            deadline: deadline,
            events: ReleaseEvents(helmStarted: onHelmStart, waiting: events.waiting),
            hold: ReleaseHold(
                operationTimeout: timeout,
                configuration: releases.helm.configuration,
                holderEnded: request.previousAttemptsEnded == true
            )
        )
        guard let helm = service.strategy.helm else {
            return DeploymentResult(failure: DeploymentFailure(.failed, step: "deploy", message: "\(service.name) is not deployed with helm"))
        }
        do {
            return try await access.withContext(for: request, parsed: kubeconfig, deadline: deadline) { context in
                await referencedValues.run(context) { context in await run(context, service: service, helm: helm, bounds) }
            }
        } catch {
            return DeploymentResult(failure: error)
        }
    }

    /// When one deployment must end, and what it may wait for on the way.
    struct RunBounds {
        var deadline: ContinuousClock.Instant
        var events: ReleaseEvents
        var hold: ReleaseHold
    }

    func run(_ context: DeploymentContext, service: any ThirdPartyService, helm: HelmRelease, _ bounds: RunBounds) async -> DeploymentResult {
        switch context.request.action {
        case .apply:
            return await apply(context.request, service: service, helm: helm, bounds, context: context)
        case .delete:
            let notes: [String]
            do {
                notes = try await service.beforeDelete(context)
            } catch {
                return DeploymentResult(failure: DeploymentFailure(.failed, step: "beforeDelete hook", message: "\(error)"))
            }
            var result = DeploymentResult(
                await releases.delete(
                    helm.release,
                    kubeconfig: context.kube.kubeconfig,
                    deadline: bounds.deadline,
                    hold: bounds.hold,
                    events: bounds.events
                )
            )
            result.details.log = notes + result.details.log
            return result
        case .verify:
            return await verify(context, release: helm.release, bounds)
        case .plan:
            return await plan(context.request, service: service, helm: helm, bounds, context: context)
        case .check:
            return await check(context, release: helm.release)
        }
    }

    private func apply(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        helm: HelmRelease,
        _ bounds: RunBounds,
        context: DeploymentContext
    ) async -> DeploymentResult {
        let chart = Self.chart(helm.chart, requested: request.chart?.repository)
        var spec: ReleaseSpec
        let pulled: PulledChart
        do {
            (spec, pulled) = try await releaseSpec(request, service: service, helm: helm, chart: chart, deadline: bounds.deadline)
        } catch {
            return DeploymentResult(failure: error)
        }
        // What was decided and done before helm runs, for the log.
        var beforeHelm: [String] = []
        if request.forceConflicts == true {
            (spec.forceConflicts, beforeHelm) = await Self.forcing(helm.release, kube: context.kube)
        }
        if helm.crds != .skip {
            do {
                beforeHelm += try await applyCRDs(helm.crds, chart: spec.chart, version: spec.version, kube: context.kube, deadline: bounds.deadline)
            } catch {
                return DeploymentResult(failure: error)
            }
            spec.skipCRDs = true
        }
        var released = await releases.apply(
            spec,
            kubeconfig: context.kube.kubeconfig,
            deadline: bounds.deadline,
            hold: bounds.hold,
            events: bounds.events
        )
        released.log = beforeHelm + released.log
        var result = DeploymentResult(released)
        result.details.pulledChart = pulled
        guard result.outcome == .succeeded else { return result }
        var hookContext = context
        hookContext.release = result.details.helm?.release
        do {
            result.details.log += try await service.afterApply(hookContext)
        } catch {
            result.outcome = .failed(DeploymentFailure(.failed, step: "afterApply hook", message: "\(error)"))
        }
        return result
    }

    /// Whether an apply asked to take fields back can force them, and the line that says so: only a
    /// release applied server-side has conflicts to force (Helm 4 refuses `--force-conflicts` for
    /// one applied client-side, whose 3-way merge overwrites hand changes anyway).
    static func forcing(_ release: ReleaseRef, kube: KubeClient) async -> (Bool, [String]) {
        let stored: StoredRelease?
        do {
            stored = try await kube.helmRelease(release)
        } catch {
            return (false, ["force conflicts: the stored release cannot be read (\(error)); applying without forcing"])
        }
        guard let stored else { return (false, ["force conflicts: the release is not installed; nothing to take back"]) }
        guard stored.serverSideApplied else {
            return (false, ["force conflicts: the release is applied client-side, whose merge takes changed fields back by itself"])
        }
        return (true, ["force conflicts: fields other managers changed are taken back (server-side apply, --force-conflicts)"])
    }

    /// The chart located (pulled into the cache from its OCI registry or Helm repository, or found in
    /// the chart directory) and the values layered, as `helm upgrade --install` is given them; and
    /// what was learned of the chart: its digest and verification.
    func releaseSpec(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        helm: HelmRelease,
        chart: ChartSpec,
        deadline: ContinuousClock.Instant
    ) async throws(DeploymentFailure) -> (ReleaseSpec, pulled: PulledChart) {
        let version = request.chart?.version ?? chart.defaultVersion
        let archive: String
        let pulled: PulledChart
        // A registry is asked even where a chart directory serves the rest: the request named it.
        if ChartRegistries.isRegistry(chart.repositoryURL) || locator.chartDirectory == nil {
            if !ChartRegistries.isRegistry(chart.repositoryURL) {
                do {
                    try await repositories.ensure(name: chart.repositoryName, url: chart.repositoryURL)
                } catch {
                    throw (error as? HelmError).map(DeploymentFailure.init)
                        ?? DeploymentFailure(.chartNotFound, step: "chart repository", message: "\(error)")
                }
            }
            (archive, pulled) = try await pull(chart, version: version, pinned: request.chart?.digest, deadline: deadline)
        } else {
            do {
                archive = try locator.locate(chart, version: version).reference
            } catch {
                throw DeploymentFailure(.chartNotFound, step: "chart", message: "\(error)")
            }
            pulled = try await local(archive, chart: chart, version: version, pinned: request.chart?.digest, deadline: deadline)
        }
        let spec = ReleaseSpec(
            release: helm.release,
            chart: archive,
            version: nil,
            values: Self.values(for: request, service: service),
            hookWaits: helm.hookWaits,
            runTests: request.action == .apply && request.test == true
        )
        return (spec, pulled)
    }

    /// Shipped defaults, then values derived from the request, then the request's own values.
    static func values(for request: DeploymentRequest, service: any ThirdPartyService) -> [ValuesDocument] {
        var documents = [ValuesDocument(name: "defaults.yaml", contents: service.defaultValues)]
        let derived = service.derivedValues(for: request)
        if derived != [:] {
            documents.append(ValuesDocument(name: "cluster.json", contents: String(decoding: derived.encoded(), as: UTF8.self)))
        }
        if let values = request.values, values != [:] {
            documents.append(ValuesDocument(name: "request.json", contents: String(decoding: values.encoded(), as: UTF8.self)))
        }
        return documents
    }

    /// A request may name another repository URL (a mirror); it gets a local name of its own so
    /// it never replaces the default repository's entry.
    static func chart(_ chart: ChartSpec, requested repository: String?) -> ChartSpec {
        guard let repository, repository != chart.repositoryURL else { return chart }
        var mirrored = chart
        mirrored.repositoryURL = repository
        mirrored.repositoryName = "\(chart.repositoryName)-\(stableHash(repository))"
        return mirrored
    }

    /// FNV-1a: stable across processes, unlike `Hasher`.
    private static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16).suffix(8).description
    }
}

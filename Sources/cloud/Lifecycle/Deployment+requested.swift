import FleetAPI

extension Deployment {
    /// A new deployment, waiting to be dispatched; only `DeploymentLifecycle.created` makes one.
    static func requested(
        clusterID: String,
        service: ServiceName,
        spec: DeploymentSpec,
        timeoutSeconds: Int?,
        now: Int64,
        dependsOn: String? = nil
    ) -> Deployment {
        Deployment(
            id: ID.make(),
            clusterID: clusterID,
            service: service,
            action: spec.action,
            chart: spec.chart,
            values: spec.values,
            valuesFrom: spec.valuesFrom,
            timeoutSeconds: timeoutSeconds,
            state: .requested,
            attempts: 0,
            provisioner: nil,
            provisionerDeploymentID: nil,
            error: nil,
            remediation: nil,
            release: nil,
            log: [],
            createAt: now,
            updateAt: now,
            endAt: 0,
            nextAttemptAt: 0,
            lastSeenAt: 0,
            dependsOn: dependsOn,
            test: spec.test
        )
    }
}

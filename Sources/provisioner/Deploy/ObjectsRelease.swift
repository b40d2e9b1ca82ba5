/// What the objects strategy deploys: the Kubernetes objects a service declares (a YAML stream in
/// `Services/objects/`, templated over the service's values as a chart's templates read
/// `.Values`), applied server-side as one set named `name` in `namespace` and reconciled by an
/// operator. The set is ready when every object is, as `ObjectStatus` reads it.
struct ObjectsRelease: Sendable, Equatable {
    /// Names the set and its record in `namespace`.
    var name: String
    /// Where the objects go unless they name a namespace, and where the record is kept.
    var namespace: String
    /// The set's version, which requests name as `Chart.Version`: one per declaration.
    var version: String
    /// The objects, a YAML stream of templates.
    var objects: String
    /// More objects, each stream deployed only while a value is set (neither missing, null nor
    /// false): the template itself has no conditionals, so values stay data.
    var objectsWhenSet: [ConditionalObjects] = []
    /// The conditions each kind's operator reports True once it is done with an object (e.g.
    /// prometheus-operator's `Available` on a `Prometheus`), beyond kstatus' reading.
    var readiness: [String: [String]] = [:]
    /// Take fields other field managers own (server-side apply `force`); otherwise a conflict
    /// fails the apply and names the other manager.
    var force = false
}

/// Objects that exist only while a value is set, e.g. an Ingress only when a domain names its host.
struct ConditionalObjects: Sendable, Equatable {
    /// A dotted path into the service's values.
    var value: String
    /// A YAML stream of templates, as `ObjectsRelease.objects`.
    var objects: String
}

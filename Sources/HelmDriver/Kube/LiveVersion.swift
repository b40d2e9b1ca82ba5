/// An object's identity and version on its API server: the same pair means the same object,
/// unchanged (the API server gives every write a new resourceVersion, and a recreated object a new
/// uid).
public struct LiveVersion: Sendable, Hashable {
    public var uid: String
    public var resourceVersion: String

    public init?(uid: String?, resourceVersion: String?) {
        guard let uid, let resourceVersion, !uid.isEmpty, !resourceVersion.isEmpty else { return nil }
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    /// The `metadata.uid` and `metadata.resourceVersion` of an object's JSON, found by a scan that
    /// builds nothing else: a drift check of a fleet nobody changed reads thousands of objects'
    /// metadata a second to learn just these, and decoding each whole (its `managedFields` are most
    /// of it) was most of what the check cost. Nil when the text is not an object with both as
    /// plain strings in its top-level `metadata`: the caller then compares the object as a whole.
    public init?(scanning json: some Collection<UInt8>) {
        guard let metadata = ObjectMetadata(scanning: json) else { return nil }
        self.init(uid: metadata.uid, resourceVersion: metadata.resourceVersion)
    }
}

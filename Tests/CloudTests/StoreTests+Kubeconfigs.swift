import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Kubeconfigs at rest, on both backends: one StoreTests suite, in two files to keep each short.
extension StoreTests {
    @Test("a cluster may be kept by reference to its kubeconfig", arguments: backends)
    func kubeconfigReference(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let registered = cluster()
        let source = KubeconfigSource(secretsManager: .init(secretID: "c1"))
        try await store.createCluster(registered, kubeconfig: .source(source))
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .source(source))
    }

    static func key(_ byte: UInt8) -> [UInt8] { Array(repeating: byte, count: 32) }

    func rawKubeconfig(_ database: StoreDatabase) async throws -> String? {
        try await database.sql("SELECT kubeconfig FROM clusters").first?.first?.string
    }

    @Test("kubeconfigs are encrypted at rest and read back in the clear", arguments: backends)
    func encryptedAtRest(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let cipher = try KubeconfigCipher(keys: [Self.key(1)])
        let store = try await database.open(cipher: cipher)
        let registered = cluster()
        try await store.createCluster(registered, kubeconfig: .inline("token: s3cr3t"))

        let raw = try #require(try await rawKubeconfig(database))
        #expect(raw.hasPrefix("aesgcm:v1:\(cipher.currentKeyID):"))
        #expect(!raw.contains("s3cr3t"))
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .inline("token: s3cr3t"))
    }

    @Test("rotating keys re-encrypts every kubeconfig at start-up; then the old key can go", arguments: backends)
    func keyRotation(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let registered = cluster()
        try await database.open(cipher: try KubeconfigCipher(keys: [Self.key(1)]))
            .createCluster(registered, kubeconfig: .inline("token: s3cr3t"))

        let rotated = try KubeconfigCipher(keys: [Self.key(2), Self.key(1)])
        _ = try await database.open(cipher: rotated)
        #expect(try await rawKubeconfig(database)?.hasPrefix("aesgcm:v1:\(rotated.currentKeyID):") == true)

        let newOnly = try await database.open(cipher: try KubeconfigCipher(keys: [Self.key(2)]))
        #expect(try await newOnly.kubeconfig(ofCluster: registered.id) == .inline("token: s3cr3t"))
    }

    @Test("plaintext kubeconfigs from before encryption are encrypted when a key is first given", arguments: backends)
    func encryptsExisting(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let registered = cluster()
        try await database.open().createCluster(registered, kubeconfig: .inline("token: s3cr3t"))
        #expect(try await rawKubeconfig(database) == "token: s3cr3t")

        let store = try await database.open(cipher: try KubeconfigCipher(keys: [Self.key(1)]))
        #expect(try await rawKubeconfig(database)?.contains("s3cr3t") == false)
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .inline("token: s3cr3t"))
    }

    @Test("a wrong key, or none, is refused at start-up instead of failing deployments later", arguments: backends)
    func wrongKeyRefused(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        try await database.open(cipher: try KubeconfigCipher(keys: [Self.key(1)]))
            .createCluster(cluster(), kubeconfig: .inline("token: s3cr3t"))

        await #expect(throws: KubeconfigCipher.Failure.self) { _ = try await database.open(cipher: try KubeconfigCipher(keys: [Self.key(3)])) }
        await #expect(throws: KubeconfigCipher.Failure.self) { _ = try await database.open() }
    }
}

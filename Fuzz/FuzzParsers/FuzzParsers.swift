import Foundation

// Testable for `StoredRelease.decode`, which only the Kubernetes client calls.
@testable import FleetAPI
@testable import HelmDriver
@testable import ServerSupport

/// libFuzzer entry point: every parser that takes outside input gets the same bytes. A crash, a
/// trap or a sanitizer report is a finding; thrown errors are the parsers doing their job.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParsers(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let text = String(decoding: data, as: UTF8.self)
    if let kubeconfig = try? Kubeconfig(parsing: text, policy: KubeconfigPolicy(allowExec: true)) {
        _ = Redactor(secrets: kubeconfig.secrets).redact(text)
        _ = kubeconfig.normalized
    }
    _ = try? JSONDecoder().decode(DeploymentRequest.self, from: data)
    if let values = try? JSONDecoder().decode(JSONValue.self, from: data) {
        _ = values.merging(values).encoded()
    }
    _ = ChartVersion.isValid(text)
    _ = try? GoDuration.parse(text)
    _ = ListenAddress(text)
    _ = HelmError.classify(command: "upgrade", stderr: text, status: .exited(1))
    _ = try? JSONDecoder().decode([ReleaseRevision].self, from: data)
    // What a cluster answers: a release Secret's value (base64 of Helm's base64 of gzip or JSON)
    // and the manifests in it; YAML values (aliases bounded).
    _ = try? StoredRelease.decode(secretValue: Data(data.base64EncodedString().utf8).base64EncodedString())
    _ = try? ManifestObjects(manifest: text, namespace: "default")
    _ = try? JSONValue(yaml: text)
    return 0
}

// SwiftPM links an executable's entry point as `<module>_main`; here it hands control to libFuzzer's
// driver (LLVMFuzzerRunDriver, libFuzzer's documented API for programs with their own main).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzParsers_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments, fuzzParsers)
}

import Foundation
import Internal

/// libFuzzer entry point: every parser that takes outside input gets the same bytes. A crash, a
/// trap or a sanitizer report is a finding; thrown errors are the parsers doing their job.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParsers(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let text = String(decoding: data, as: UTF8.self)
    if let kubeconfig = try? Kubeconfig(parsing: text) {
        _ = Redactor(secrets: kubeconfig.secrets).redact(text)
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
    return 0
}

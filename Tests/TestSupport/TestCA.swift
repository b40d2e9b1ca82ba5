import Foundation

/// A certificate authority made for one test with the openssl CLI, and a server certificate it
/// signed for 127.0.0.1 and localhost.
public struct TestCA {
    public let directory: String
    public var caCertificate: String { "\(directory)/ca.pem" }
    public var serverCertificate: String { "\(directory)/server.pem" }
    public var serverKey: String { "\(directory)/server.key" }

    public init(in directory: String) async throws {
        self.directory = directory
        let script = """
            set -e
            cd "\(directory)"
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=test CA" 2>/dev/null
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
            """
        let run = try await CommandRun.run("/bin/sh", ["-c", script])
        guard run.status == 0 else { throw ServerProcess.StartFailure(log: "openssl could not make a test CA") }
    }
}

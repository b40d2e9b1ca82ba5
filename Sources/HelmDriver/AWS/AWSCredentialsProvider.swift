import Foundation
import HTTPClient

/// Finds credentials in the SDKs' order and caches them: environment variables, then web identity
/// (`AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, what EKS gives a pod) through STS, then the
/// shared credentials and config files for `AWS_PROFILE`. Temporary credentials are refreshed five
/// minutes before they expire.
public actor AWSCredentialsProvider {
    private let configuration: AWSConfiguration
    private let http: CurlHTTPClient
    private var cached: AWSCredentials?
    /// Temporary credentials are replaced this long before they expire.
    private let refreshMargin: TimeInterval

    init(configuration: AWSConfiguration, http: CurlHTTPClient, refreshMargin: TimeInterval = 300) {
        self.configuration = configuration
        self.http = http
        self.refreshMargin = refreshMargin
    }

    public func current() async throws(AWSError) -> AWSCredentials {
        if let cached, cached.expiration.map({ $0.timeIntervalSinceNow > refreshMargin }) ?? true {
            return cached
        }
        let fresh = try await resolve()
        cached = fresh
        return fresh
    }

    private func resolve() async throws(AWSError) -> AWSCredentials {
        let environment = configuration.environment
        if let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !key.isEmpty, !secret.isEmpty {
            return AWSCredentials(
                accessKeyID: key,
                secretAccessKey: secret,
                sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            )
        }
        if let role = environment["AWS_ROLE_ARN"], let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] {
            return try await assumeRoleWithWebIdentity(role: role, tokenFile: tokenFile, sessionName: environment["AWS_ROLE_SESSION_NAME"])
        }
        if let fromFiles = SharedCredentialsFiles(environment: environment).credentials() {
            return fromFiles
        }
        throw AWSError(
            service: "credentials",
            status: 0,
            code: "Credentials",
            message:
                "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, or a profile in ~/.aws/credentials"
        )
    }

    /// STS AssumeRoleWithWebIdentity: an unsigned call whose proof is the token file's contents.
    private func assumeRoleWithWebIdentity(role: String, tokenFile: String, sessionName: String?) async throws(AWSError) -> AWSCredentials {
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            throw AWSError(service: "sts", status: 0, code: "Credentials", message: "cannot read AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile)")
        }
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", role),
            ("RoleSessionName", sessionName ?? "provisioner-\(Int(Date().timeIntervalSince1970))"),
            ("WebIdentityToken", token.trimmingCharacters(in: .whitespacesAndNewlines)),
        ].map { "\($0.0)=\(SigV4Signer.encode($0.1))" }.joined(separator: "&")
        let request = HTTPClientRequest(
            method: "POST",
            url: configuration.endpoint(for: .sts) + "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(form.utf8),
            timeout: .seconds(20)
        )
        let response: HTTPClientResponse
        do {
            response = try await http.send(request)
        } catch {
            throw AWSError(service: "sts", status: 0, code: "Transport", message: error.description)
        }
        guard response.status == 200 else { throw AWSError.from(service: "sts", response: response) }
        let xml = response.text
        guard let key = XMLText.first("AccessKeyId", in: xml), let secret = XMLText.first("SecretAccessKey", in: xml) else {
            throw AWSError(service: "sts", status: response.status, code: "UnreadableResponse", message: "no credentials in the answer")
        }
        let expiration = XMLText.first("Expiration", in: xml).flatMap { try? Date($0, strategy: .iso8601) }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: XMLText.first("SessionToken", in: xml), expiration: expiration)
    }
}

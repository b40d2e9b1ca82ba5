import Testing

@testable import FleetAPI

@Suite("Secrets in values")
struct SecretValuesTests {
    @Test(
        "a key's words are split at case changes and separators",
        arguments: [
            ("adminPassword", ["admin", "password"]), ("aws_secret_access_key", ["aws", "secret", "access", "key"]),
            ("APIKey", ["api", "key"]), ("monkey", ["monkey"]), ("tls.crt", ["tls", "crt"]),
        ]
    )
    func words(_ key: String, _ expected: [String]) {
        #expect(SecretValues.words(of: key) == expected)
    }

    @Test("every long enough string at or below a secret's key is a secret; others are not")
    func secrets() {
        let values: JSONValue = [
            "grafana": ["adminPassword": "correct-horse-battery", "adminUser": "administrator"],
            "credentials": ["accounts": [["name": "deployer-account", "id": "short"]]],
            "auth": ["token": "tiny"],
            "monkey": "not-a-secret-at-all",
            "replicaCount": 3,
        ]
        #expect(SecretValues().secrets(in: values) == ["correct-horse-battery", "deployer-account"])
        #expect(SecretValues().secrets(in: nil).isEmpty)
    }
}

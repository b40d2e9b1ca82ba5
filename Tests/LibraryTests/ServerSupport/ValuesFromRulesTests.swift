import FleetAPI
import Foundation
import ServerSupport
import Testing

/// The checks both servers make on `ValuesFrom` before anything is stored or fetched.
@Suite("ValuesFrom rules")
struct ValuesFromRulesTests {
    static let secret = ValueReference.SecretsManagerSecret(secretID: "prod/db")

    @Test(
        "a bad reference is refused naming its field",
        arguments: [
            ([ValueReference(path: "a..b", secretsManager: secret)], "ValuesFrom[0].Path"),
            ([ValueReference(path: "a b", secretsManager: secret)], "ValuesFrom[0].Path"),
            ([ValueReference(path: "a.b")], "ValuesFrom[0]"),
            ([ValueReference(path: "a.b", secretsManager: secret, ssmParameter: .init(name: "/x"))], "ValuesFrom[0]"),
            ([ValueReference(path: "a.b", secretsManager: .init(secretID: ""))], "ValuesFrom[0].SecretsManager.SecretID"),
            ([ValueReference(path: "a.b", ssmParameter: .init(name: ""))], "ValuesFrom[0].SSMParameter.Name"),
            ([ValueReference(path: "a.b", secretsManager: secret, key: "")], "ValuesFrom[0].Key"),
            ([ValueReference(path: "a.b", secretsManager: secret), ValueReference(path: "a.b", secretsManager: secret)], "ValuesFrom[1].Path"),
            ([ValueReference(path: "controller.password", secretsManager: secret)], "ValuesFrom[0].Path"),
            ([ValueReference(path: "name.first", secretsManager: secret)], "ValuesFrom[0].Path"),
        ] as [([ValueReference], String)]
    )
    func refused(_ references: [ValueReference], _ field: String) {
        let values: JSONValue = ["controller": ["password": "set-here"], "name": "plain"]
        let error = #expect(throws: APIError.self) { try DeploymentFieldRules.validate(valuesFrom: references, values: values) }
        #expect(error?.field == field, "\(error?.message ?? "")")
    }

    @Test("references beside values, at new paths, are accepted")
    func accepted() throws {
        try DeploymentFieldRules.validate(
            valuesFrom: [
                ValueReference(path: "controller.admin.password", secretsManager: Self.secret, key: "password"),
                ValueReference(path: "token", ssmParameter: .init(name: "/prod/token")),
            ],
            values: ["controller": ["replicas": 2]]
        )
    }

    @Test("a reference reads and writes the Go tool's spelling on the wire")
    func wire() throws {
        let reference = ValueReference(path: "a.b", ssmParameter: .init(name: "/p"), key: "k")
        let text = String(decoding: try WireJSON.encoder().encode(reference), as: UTF8.self)
        #expect(text.contains("\"SSMParameter\"") && text.contains("\"Path\"") && text.contains("\"Name\"") && text.contains("\"Key\""), "\(text)")
        #expect(try WireJSON.decoder().decode(ValueReference.self, from: Data(text.utf8)) == reference)
    }

    @Test("a value is put at its path, making the objects on the way")
    func setAtPath() {
        var values: JSONValue = ["controller": ["replicas": 2]]
        values.set("s3cr3t", at: ["controller", "admin", "password"])
        #expect(values == ["controller": ["replicas": 2, "admin": ["password": "s3cr3t"]]])
    }
}

import Testing

@testable import HelmDriver

@Suite("Redacting secrets from logs")
struct RedactorTests {
    @Test("a kubeconfig's secrets, bearer tokens and EKS tokens never pass")
    func redacts() {
        let redactor = Redactor(secrets: ["s3cr3t-password"])
        let text = "login s3cr3t-password; Authorization: Bearer abcdefghijkl; token k8s-aws-v1.aHR0cHM6Ly9zdHM_x-Y end"
        #expect(redactor.redact(text) == "login [REDACTED]; Authorization: Bearer [REDACTED]; token [REDACTED] end")
        #expect(redactor.redact("AUTHORIZATION: BEARER abcdefghijkl") == "AUTHORIZATION: BEARER [REDACTED]")
        #expect(redactor.redact("nothing to hide") == "nothing to hide")
    }

    @Test("a secret shorter than 8 characters is left alone, so a short test token blanks no word out of a path")
    func shortSecretsStay() {
        let redactor = Redactor(secrets: ["testbed", "longer-secret"])
        #expect(redactor.redact("/work/.testbed/charts with longer-secret") == "/work/.testbed/charts with [REDACTED]")
    }
}

/// Kubeconfig texts for tests of what may and may not be in one: a valid base with lines added to
/// its selected user, cluster or context, and one forbidden form per field client-go would act on.
public enum KubeconfigSamples {
    /// A kubeconfig whose selected context is `ctx`, cluster `prod`, user `admin`; each extra
    /// line is added (indented) to that part. Another user with an exec plugin is never selected.
    public static func make(
        server: String = "https://203.0.113.10:6443",
        user: [String] = ["token: s3cr3t-token"],
        cluster: [String] = [],
        context: [String] = []
    ) -> String {
        func lines(_ extra: [String], indent: String) -> String {
            extra.map { "\n" + indent + $0.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent) }
                .joined()
        }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster:
                server: \(server)\(lines(cluster, indent: "    "))
            contexts:
            - name: ctx
              context:
                cluster: prod
                user: admin\(lines(context, indent: "    "))
            current-context: ctx
            users:
            - name: other
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /bin/false
            - name: admin
              user:\(lines(user, indent: "    "))
            """
    }

    /// An exec plugin as `aws eks get-token` kubeconfigs have it.
    public static let execPlugin = """
        exec:
          apiVersion: client.authentication.k8s.io/v1beta1
          command: /bin/sh
          args: ["-c", "id > /tmp/pwned"]
          env:
          - name: AWS_PROFILE
            value: prod
          provideClusterInfo: true
          interactiveMode: Never
        """

    public struct Forbidden: Sendable {
        public var name: String
        public var text: String
        /// The key the error must name.
        public var key: String
        public var testDescription: String { name }
    }

    /// One kubeconfig per refused form, with the key that is at fault.
    public static let forbidden: [Forbidden] = [
        Forbidden(name: "exec plugin", text: make(user: [execPlugin]), key: "users[admin].user.exec"),
        Forbidden(
            name: "auth-provider",
            text: make(user: ["auth-provider:\n  name: gcp\n  config:\n    cmd-path: /bin/sh"]),
            key: "users[admin].user.auth-provider"
        ),
        Forbidden(name: "tokenFile", text: make(user: ["tokenFile: /etc/hostname"]), key: "users[admin].user.tokenFile"),
        Forbidden(
            name: "client-certificate file",
            text: make(user: ["client-certificate: /etc/ssl/cert.pem"]),
            key: "users[admin].user.client-certificate"
        ),
        Forbidden(name: "client-key file", text: make(user: ["client-key: /etc/ssl/key.pem"]), key: "users[admin].user.client-key"),
        Forbidden(
            name: "certificate-authority file",
            text: make(cluster: ["certificate-authority: /etc/ssl/ca.pem"]),
            key: "clusters[prod].cluster.certificate-authority"
        ),
        Forbidden(name: "proxy-url", text: make(cluster: ["proxy-url: http://169.254.169.254:80"]), key: "clusters[prod].cluster.proxy-url"),
        Forbidden(
            name: "basic auth over plain http to another host",
            text: make(server: "http://203.0.113.10:8080", user: ["username: admin", "password: hunter22"]),
            key: "users[admin].user.username"
        ),
        Forbidden(name: "server not http(s)", text: make(server: "file:///etc/passwd"), key: "clusters[prod].cluster.server"),
        Forbidden(name: "server unix socket", text: make(server: "unix:///var/run/docker.sock"), key: "clusters[prod].cluster.server"),
        Forbidden(name: "impersonation", text: make(user: ["as: system:admin"]), key: "users[admin].user.as"),
        Forbidden(name: "impersonated groups", text: make(user: ["as-groups: [system:masters]"]), key: "users[admin].user.as-groups"),
        Forbidden(name: "unknown user field", text: make(user: ["future-plugin: {command: /bin/sh}"]), key: "users[admin].user.future-plugin"),
        Forbidden(name: "field name in another case", text: make(user: ["Exec: {command: /bin/sh}"]), key: "users[admin].user.Exec"),
        Forbidden(name: "unknown cluster field", text: make(cluster: ["socks5: 10.0.0.1"]), key: "clusters[prod].cluster.socks5"),
        Forbidden(name: "unknown context field", text: make(context: ["kubeconfig: /root/.kube/config"]), key: "contexts[ctx].context.kubeconfig"),
    ]
}

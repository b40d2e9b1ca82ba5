public import ArgumentParser
public import Logging

/// What tells the servers' shared flags apart: the prefix of the environment variables that stand
/// in for them, the address served when none is given, and the flag that gives the tokens without
/// which only loopback is served.
public protocol ServerNaming {
    static var prefix: String { get }
    static var defaultListen: String { get }
    static var tokenFlag: String { get }
}

/// The flags both servers take for where and how they serve: the address, TLS, the logs, and the
/// explicit opt-out of tokens. Each flag left out is taken from its environment variable
/// (`PREFIX_LISTEN`, `PREFIX_TLS_CERT`, `PREFIX_TLS_KEY`, `PREFIX_LOG_FORMAT`, `PREFIX_LOG_LEVEL`),
/// which the command passes in: library code reads no environment.
public struct ServerOptions<Naming: ServerNaming>: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Address to listen on, HOST:PORT; port 0 picks a free one. One other than loopback needs \(Naming.tokenFlag) or --insecure-no-auth. Default: \(Naming.defaultListen). (\(Naming.prefix)_LISTEN)"
        )
    )
    public var listen: String?

    @Flag(help: ArgumentHelp("Serve without tokens on an address other than loopback (refused otherwise)."))
    public var insecureNoAuth = false

    @Option(help: ArgumentHelp("PEM certificate (chain) to serve HTTPS with; needs --tls-key. (\(Naming.prefix)_TLS_CERT)"))
    public var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of --tls-cert. (\(Naming.prefix)_TLS_KEY)"))
    public var tlsKey: String?

    @Option(help: ArgumentHelp("text or json, one event per line on stderr. Default: text. (\(Naming.prefix)_LOG_FORMAT)"))
    public var logFormat: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Default: info. (\(Naming.prefix)_LOG_LEVEL)"))
    public var logLevel: String?

    @Option(
        help: ArgumentHelp(
            "Send traces (OTLP/HTTP, JSON) to this OpenTelemetry collector, e.g. http://collector:4318; off when unset. (OTEL_EXPORTER_OTLP_ENDPOINT)"
        )
    )
    public var otelEndpoint: String?

    public init() {}

    /// How and where to serve, checked.
    public struct Serving: Sendable {
        public var address: ListenAddress
        public var tls: ServerSupport.TLSFiles?
        public var logFormat: StructuredLogHandler.Format
        public var logLevel: Logger.Level
        /// Where spans go; nil: nowhere (trace context is still passed on).
        public var otelEndpoint: String?
    }

    /// The flags (or their variables in `environment`) checked. A non-loopback address without
    /// tokens (`hasTokens` false) is refused unless --insecure-no-auth says so.
    public func serving(environment: [String: String], hasTokens: Bool) throws -> Serving {
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment["\(Naming.prefix)_\(variable)"].flatMap { $0.isEmpty ? nil : $0 }
        }
        let listen = value(self.listen, "LISTEN") ?? Naming.defaultListen
        guard let address = ListenAddress(listen) else { throw ValidationError("--listen: expected HOST:PORT, got \"\(listen)\"") }
        guard let format = StructuredLogHandler.Format(rawValue: value(logFormat, "LOG_FORMAT") ?? "text") else {
            throw ValidationError("--log-format must be text or json")
        }
        guard let level = Logger.Level(rawValue: value(logLevel, "LOG_LEVEL") ?? "info") else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        let (certificate, key) = (value(tlsCert, "TLS_CERT"), value(tlsKey, "TLS_KEY"))
        guard (certificate == nil) == (key == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if !hasTokens, let refusal = address.refusalWithoutTokens(tokenFlag: Naming.tokenFlag, insecureNoAuth: insecureNoAuth) {
            throw ValidationError(refusal)
        }
        let tls = certificate.flatMap { certificate in key.map { ServerSupport.TLSFiles(certificate: certificate, key: $0) } }
        let otel = otelEndpoint ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        return Serving(address: address, tls: tls, logFormat: format, logLevel: level, otelEndpoint: otel)
    }
}

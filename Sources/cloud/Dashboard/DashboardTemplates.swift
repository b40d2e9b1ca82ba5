import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The dashboard's templates, parsed once from the binary, and how a page goes out: HTML that
/// escapes every value (`{{...}}` only; no template uses the unescaped form), with headers that
/// keep the page from running anything but its own script or being framed by another site.
struct DashboardTemplates: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        let templates: [(String, [UInt8])] = [
            ("top", PackageResources.top_mustache), ("bottom", PackageResources.bottom_mustache),
            ("controls", PackageResources.controls_mustache), ("grid", PackageResources.grid_mustache),
            ("cluster", PackageResources.cluster_mustache), ("deployment", PackageResources.deployment_mustache),
            ("rollouts", PackageResources.rollouts_mustache), ("rollout", PackageResources.rollout_mustache),
            ("provisioners", PackageResources.provisioners_mustache), ("login", PackageResources.login_mustache),
            ("notfound", PackageResources.notfound_mustache), ("profiles", PackageResources.profiles_mustache),
        ]
        for (name, bytes) in templates { try library.register(String(decoding: bytes, as: UTF8.self), named: name) }
        self.library = library
    }

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    func page(_ name: String, _ context: Any, status: HTTPResponse.Status = .ok, setCookie: String? = nil) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        if let setCookie { headers[.setCookie] = setCookie }
        let html = library.render(context, withTemplate: name) ?? ""
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The stylesheet and the script.
    static func asset(_ bytes: [UInt8], type: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

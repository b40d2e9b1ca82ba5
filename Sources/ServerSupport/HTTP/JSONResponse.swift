import FleetAPI
import Foundation
public import HTTPTypes
public import Hummingbird
public import NIOCore

public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        make(status, json: try encode(value))
    }

    /// Answers JSON encoded before (by `encode`), for a value that is read far more often than it
    /// changes.
    public static func make(_ status: HTTPResponse.Status, json: ByteBuffer) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: json))
    }

    /// `value` as every answer encodes it: keys sorted, slashes left alone.
    public static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }
}

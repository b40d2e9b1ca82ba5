import Foundation
import Hummingbird

// hummingbird-floor FILE: serves FILE's bytes at GET /api/deployment/{id}, as Hummingbird's
// simplest route can, on a free loopback port; prints "listening http://127.0.0.1:PORT".
let arguments = CommandLine.arguments
guard arguments.count == 2, let body = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: hummingbird-floor FILE\n".utf8))
    exit(2)
}
let bytes = ByteBuffer(bytes: body)
let router = Router()
router.get("/api/deployment/:id") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: bytes))
}
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
    onServerRunning: { channel in
        // One write, unbuffered: the benchmark reads this line while the server runs.
        FileHandle.standardOutput.write(Data("listening http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
    }
)
try await app.runService()

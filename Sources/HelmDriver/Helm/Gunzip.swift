import CZlib
import Foundation

/// gzip decompression (zlib's inflate), for the releases Helm stores gzipped. Bounded: a cluster
/// is outside input, and a few kilobytes can claim gigabytes.
enum Gunzip {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func decompress(_ data: Data, limit: Int = 32 << 20) throws(Failure) -> Data {
        var stream = z_stream()
        // 15 + 32: a window of 2^15, and a gzip or zlib header, detected.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = [UInt8](data)
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let code = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { return Z_MEM_ERROR }
                if code == Z_STREAM_END { return Z_OK }
                if code != Z_OK || (produced == 0 && stream.avail_in == 0) { return code == Z_OK ? Z_DATA_ERROR : code }
            }
        }
        guard status == Z_OK else {
            throw Failure(description: status == Z_MEM_ERROR ? "more than \(limit >> 20) MiB once decompressed" : "not valid gzip data")
        }
        return output
    }
}

import Foundation
import ZIPFoundation

/// The pixels of an 8-bit RGB or RGBA PNG (as headless Chromium writes screenshots): chunks
/// parsed, IDAT inflated (raw deflate after the 2-byte zlib header, by ZIPFoundation) and the
/// five PNG row filters undone (PNG spec §9). Enough to check that a screenshot is not blank.
struct PNGPixels {
    enum Failure: Error { case notPNG(String) }

    let width: Int, height: Int
    /// RGB(A) bytes, row after row.
    let bytes: [UInt8]
    let channels: Int

    init(contentsOf url: URL) throws {
        let data = [UInt8](try Data(contentsOf: url))
        guard data.count > 8, data.prefix(8) == [137, 80, 78, 71, 13, 10, 26, 10] else { throw Failure.notPNG("no PNG signature") }
        func be32(_ i: Int) -> Int { data[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8, idat: [UInt8] = [], width = 0, height = 0, channels = 0
        while offset + 12 <= data.count {
            let length = be32(offset), type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length + 4 <= data.count else { throw Failure.notPNG("truncated chunk \(type)") }
            if type == "IHDR" {
                width = be32(body)
                height = be32(body + 4)
                guard data[body + 8] == 8, data[body + 12] == 0 else { throw Failure.notPNG("not 8-bit non-interlaced") }
                switch data[body + 9] {
                case 2: channels = 3
                case 6: channels = 4
                default: throw Failure.notPNG("colour type \(data[body + 9])")
                }
            } else if type == "IDAT" {
                idat += data[body..<body + length]
            }
            offset = body + length + 4
        }
        guard width > 0, height > 0, idat.count > 6 else { throw Failure.notPNG("no IHDR or IDAT") }
        let deflated = Data(idat[2...])
        var inflated = Data()
        _ = try Data.decompress(size: Int64(deflated.count), bufferSize: 1 << 16, skipCRC32: true,
                                provider: { position, size in
                                    let start = min(deflated.count, Int(position))
                                    return deflated.subdata(in: start..<min(deflated.count, start + size))
                                },
                                consumer: { inflated.append($0) })
        let raw = [UInt8](inflated), stride = width * channels
        guard raw.count >= height * (stride + 1) else { throw Failure.notPNG("\(raw.count) bytes inflated for \(height) rows") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)], source = row * (stride + 1) + 1, target = row * stride
            for i in 0..<stride {
                let x = Int(raw[source + i])
                let a = i >= channels ? Int(pixels[target + i - channels]) : 0
                let b = row > 0 ? Int(pixels[target - stride + i]) : 0
                let c = (row > 0 && i >= channels) ? Int(pixels[target - stride + i - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: predictor = 0
                }
                pixels[target + i] = UInt8((x + predictor) & 0xFF)
            }
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = pixels
    }

    /// Pixels that are not (near) white.
    var inkedPixels: Int {
        var count = 0
        for p in 0..<(width * height) where (0..<3).contains(where: { bytes[p * channels + $0] < 235 }) { count += 1 }
        return count
    }

    /// Distinct RGB colours (the palette's colours show up as many distinct values).
    var distinctColours: Int {
        var seen = Set<Int>()
        for p in 0..<(width * height) {
            let i = p * channels
            seen.insert(Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]))
        }
        return seen.count
    }
}

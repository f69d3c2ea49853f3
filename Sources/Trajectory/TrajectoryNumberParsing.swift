#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number parsing straight from bytes, for the text formats.
///
/// Decimal numbers with at most 19 significant digits and a decimal exponent within ±22 (all that
/// LAMMPS' `%g` and `%.Ng` formats produce) are converted exactly by Clinger's fast path
/// (mantissa × or ÷ an exact power of ten, one correctly rounded operation); everything else goes
/// to `strtod`, so results always equal `strtod`'s correctly rounded value.
enum TrajectoryNumberParsing {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a finite double from `[start, end)`; nil when the bytes are not exactly one finite number.
    @inline(__always)
    static func double(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        var p = start
        guard p < end else { return nil }
        var negative = false
        if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 } else if p.pointee == UInt8(ascii: "+") { p += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var exponent = 0
        while p < end {
            let d = p.pointee &- 48
            if d >= 10 { break }
            if mantissa != 0 || d != 0 { significant += 1 }
            mantissa = mantissa &* 10 &+ UInt64(d)
            digits += 1
            p += 1
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end {
                let d = p.pointee &- 48
                if d >= 10 { break }
                if mantissa != 0 || d != 0 { significant += 1 }
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
                exponent -= 1
                p += 1
            }
        }
        if digits == 0 { return slow(start, end) }
        if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
            p += 1
            var negativeExponent = false
            if p < end && p.pointee == UInt8(ascii: "-") { negativeExponent = true; p += 1 } else if p < end && p.pointee == UInt8(ascii: "+") { p += 1 }
            var value = 0
            var exponentDigits = 0
            while p < end {
                let d = p.pointee &- 48
                if d >= 10 { break }
                if value < 100_000 { value = value * 10 + Int(d) }
                exponentDigits += 1
                p += 1
            }
            if exponentDigits == 0 { return nil }
            exponent += negativeExponent ? -value : value
        }
        if p != end { return slow(start, end) }
        guard significant <= 19, mantissa <= (1 << 53), exponent >= -22, exponent <= 22 else { return slow(start, end) }
        var result = Double(mantissa)
        if exponent < 0 { result /= exactPowersOfTen[-exponent] } else if exponent > 0 { result *= exactPowersOfTen[exponent] }
        return negative ? -result : result
    }

    /// `strtod` on a NUL-terminated copy; nil unless it consumes every byte and gives a finite value.
    private static func slow(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        let length = end - start
        guard length > 0, length < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { copy -> Double? in
            guard let base = copy.baseAddress else { return nil }
            UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: length)
            base[length] = 0
            var stop: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &stop)
            guard let stop, stop == base + length, value.isFinite else { return nil }
            return value
        }
    }

    /// Parses a decimal integer (optional sign) from `[start, end)`; nil on anything else or overflow.
    @inline(__always)
    static func integer(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        var p = start
        guard p < end else { return nil }
        var negative = false
        if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 } else if p.pointee == UInt8(ascii: "+") { p += 1 }
        guard p < end else { return nil }
        var value: Int64 = 0
        if end - p <= 18 {
            while p < end {
                let d = p.pointee &- 48
                if d >= 10 { return nil }
                value = value &* 10 &+ Int64(d)
                p += 1
            }
        } else {
            while p < end {
                let d = p.pointee &- 48
                if d >= 10 { return nil }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                value = sum
                p += 1
            }
        }
        return negative ? -value : value
    }

    /// Splits a line into whitespace-separated tokens (header lines only; atom lines are scanned in place).
    static func tokens(_ line: UnsafeBufferPointer<UInt8>) -> [Substring] {
        String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
}

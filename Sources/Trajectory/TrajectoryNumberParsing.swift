#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number parsing straight from bytes, for the text formats.
///
/// Decimal numbers with at most 19 digits, a mantissa ≤ 2^53 and a decimal exponent within ±22
/// (all that LAMMPS' `%g` and `%.Ng` formats produce) are converted exactly by Clinger's fast path
/// (mantissa × or ÷ an exact power of ten, one correctly rounded operation; Clinger, PLDI 1990);
/// everything else goes to `strtod`, so results always equal `strtod`'s correctly rounded value.
enum TrajectoryNumberParsing {
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a finite double from `[start, end)`; nil when the bytes are not exactly one finite number.
    static func double(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        var p = start
        let value = doubleToken(&p, end)
        return p == end ? value : nil
    }

    /// Parses the whitespace-delimited token that begins at `p` (a space, a tab or `end` ends it)
    /// as a finite double and moves `p` to the token's end; nil when the token is not exactly one
    /// finite number. A number the fast path takes is read in the same pass that finds the
    /// token's end (digits 8 at a time); any other token is found first and given to `strtod`.
    @inline(__always)
    static func doubleToken(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        let start = p
        if let (value, stop) = fastDouble(start, end) {
            p = stop
            return value
        }
        var q = start
        while q < end && q.pointee != 32 && q.pointee != 9 { q += 1 }
        p = q
        return slow(start, q)
    }

    /// Clinger's fast path on the number that begins at `start`: nil unless it has 1…19 digits,
    /// a mantissa ≤ 2^53 and a decimal exponent within ±22, and is followed by a space, a tab or
    /// `end`. (With at most 19 digits the mantissa cannot overflow, and its value is then exactly
    /// `strtod`'s.) Returns the value and where the number ends.
    @inline(__always)
    private static func fastDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (Double, UnsafePointer<UInt8>)? {
        var p = start
        guard p < end else { return nil }
        var negative = false
        if p.pointee == UInt8(ascii: "-") { negative = true; p += 1 } else if p.pointee == UInt8(ascii: "+") { p += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        readDigits(&p, end, &mantissa, &digits)
        var exponent = 0
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            let before = digits
            readDigits(&p, end, &mantissa, &digits)
            exponent = before - digits
        }
        guard digits > 0, digits <= 19 else { return nil }
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
        guard p == end || p.pointee == 32 || p.pointee == 9 else { return nil }
        guard mantissa <= (1 << 53), exponent >= -22, exponent <= 22 else { return nil }
        var result = Double(mantissa)
        if exponent < 0 { result /= exactPowersOfTen[-exponent] } else if exponent > 0 { result *= exactPowersOfTen[exponent] }
        return (negative ? -result : result, p)
    }

    /// Appends the decimal digits at `p` to `mantissa` (wrapping; callers reject more than 19
    /// digits) and counts them in `digits`: 8 at a time while 8 bytes remain and all are digits,
    /// then byte by byte.
    @inline(__always)
    private static func readDigits(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                                   _ mantissa: inout UInt64, _ digits: inout Int) {
        while end - p >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            // Every byte is 0x30...0x39: its high nibble is 3, before and after adding 6.
            let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
            guard word & high == threes, (word &+ 0x0606_0606_0606_0606) & high == threes else { break }
            mantissa = mantissa &* 100_000_000 &+ eightDigitValue(word &- threes)
            digits += 8
            p += 8
        }
        while p < end {
            let d = p.pointee &- 48
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            digits += 1
            p += 1
        }
    }

    /// The value of 8 decimal digits, one per byte, the first (most significant) in the lowest
    /// byte: pairs, then quadruples, then the whole, each step one multiply per lane.
    @inline(__always)
    static func eightDigitValue(_ bytes: UInt64) -> UInt64 {
        let pairs = (bytes & 0x00FF_00FF_00FF_00FF) &* 10 &+ ((bytes >> 8) & 0x00FF_00FF_00FF_00FF)
        let quads = (pairs & 0x0000_FFFF_0000_FFFF) &* 100 &+ ((pairs >> 16) & 0x0000_FFFF_0000_FFFF)
        return (quads & 0xFFFF_FFFF) &* 10_000 &+ (quads >> 32)
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

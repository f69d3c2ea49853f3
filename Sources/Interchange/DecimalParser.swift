import Foundation

/// Correctly rounded decimal text → float64/float32, bit for bit what C's `strtod`/`strtof` give
/// in the C locale, without their cost on ordinary numbers.
///
/// A field of the form `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant digits
/// is converted here: exactly with one IEEE operation when the digits and the power of ten are
/// both exact binary numbers (Clinger's fast path: ≤ 2^53 and |q| ≤ 22 for float64, ≤ 2^24 and
/// |q| ≤ 10 for float32), otherwise with the Eisel–Lemire algorithm (a 64 × 128-bit product with
/// a truncated power of five, D. Lemire, "Number Parsing at a Gigabyte per Second", Software:
/// Practice and Experience 51(8), 2021), which either gives the correctly rounded result or
/// says it cannot decide. Everything else — more digits, exponents beyond the table, the
/// undecided cases, `inf`, `nan`, hexadecimal floats, malformed text — goes to `strtod`/`strtof`,
/// so the results are always theirs.
enum DecimalParser {
    /// Binary format parameters of the Eisel–Lemire step.
    struct Format {
        /// Explicit mantissa bits (52 for float64, 23 for float32).
        let mantissaBits: Int
        /// Exponent bias, negated (-1023, -127).
        let minimumExponent: Int
        /// Biased exponent of infinity (0x7FF, 0xFF).
        let infinitePower: Int
        /// Decimal exponents for which an exact halfway case is possible (round to even).
        let roundToEven: ClosedRange<Int>
        /// Decimal exponents handled (outside: `strtod` decides, it gives 0 or ∞).
        let decimalExponents: ClosedRange<Int>

        /// IEEE binary64.
        static let float64 = Format(mantissaBits: 52, minimumExponent: -1023, infinitePower: 0x7FF,
                                    roundToEven: -4...23, decimalExponents: -342...308)
        /// IEEE binary32.
        static let float32 = Format(mantissaBits: 23, minimumExponent: -127, infinitePower: 0xFF,
                                    roundToEven: -17...10, decimalExponents: -65...38)
    }

    /// A decimal `(-1)^negative × digits × 10^exponent` as read from text.
    struct Decimal {
        var negative: Bool
        var digits: UInt64
        var exponent: Int
    }

    /// 10^q for 0 ≤ q ≤ 22, the powers of ten that are exact float64 values (Clinger's fast path).
    @inline(__always) private static func exactPower64(_ q: Int) -> Double {
        switch q {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// 10^q for 0 ≤ q ≤ 10, the powers of ten that are exact float32 values.
    @inline(__always) private static func exactPower32(_ q: Int) -> Float {
        switch q {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        default: return 1e10
        }
    }

    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]` spanning all `count` bytes, with at most 19
    /// significant digits; nil for any other text (which the caller hands to `strtod`).
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ count: Int) -> Decimal? {
        guard let (decimal, length) = scanPrefix(p, count), length == count else { return nil }
        return decimal
    }

    /// `scan` of the longest prefix of the `count` bytes at `p` that has the form, and its
    /// length; nil when there is none or it has more than 19 significant digits or an exponent
    /// marker without digits.
    @inline(__always)
    static func scanPrefix(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Decimal, Int)? {
        var i = 0
        var negative = false
        if i < count && (p[i] == 45 || p[i] == 43) { negative = p[i] == 45; i += 1 }
        var digits: UInt64 = 0
        var significant = 0          // significant digits taken into `digits`
        var anyDigit = false
        var exponent = 0
        // Integer part.
        while i < count {
            let d = p[i] &- 48
            guard d < 10 else { break }
            anyDigit = true
            if significant > 0 || d != 0 {
                guard significant < 19 else { return nil }
                digits = digits &* 10 &+ UInt64(d)
                significant += 1
            }
            i += 1
        }
        if i < count && p[i] == 46 {
            i += 1
            while i < count {
                // Eight digits at a time once the leading zeros are behind.
                if significant > 0 && significant <= 11 && count - i >= 8, let eight = eightDigits(p + i) {
                    digits = digits &* 100_000_000 &+ eight
                    significant += 8
                    exponent -= 8
                    i += 8
                    continue
                }
                let d = p[i] &- 48
                guard d < 10 else { break }
                anyDigit = true
                if significant > 0 || d != 0 {
                    guard significant < 19 else { return nil }
                    digits = digits &* 10 &+ UInt64(d)
                    significant += 1
                }
                exponent -= 1
                i += 1
            }
        }
        guard anyDigit else { return nil }
        if i < count && (p[i] == 101 || p[i] == 69) {
            i += 1
            var negativeExponent = false
            if i < count && (p[i] == 45 || p[i] == 43) { negativeExponent = p[i] == 45; i += 1 }
            var value = 0, exponentDigits = 0
            while i < count {
                let d = p[i] &- 48
                guard d < 10 else { break }
                guard value < 100_000 else { return nil }   // far outside the table: strtod decides
                value = value * 10 + Int(d)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += negativeExponent ? -value : value
        }
        return (Decimal(negative: negative, digits: digits, exponent: exponent), i)
    }

    /// The value of eight ASCII digits at `p` (SWAR: all eight checked and combined in a few
    /// 64-bit operations), nil unless all eight bytes are digits.
    @inline(__always)
    static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        // Every byte 0x30...0x39: its high nibble is 3, and adding 6 does not carry into it.
        guard (word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
                == 0x3333_3333_3333_3333 else { return nil }
        var x = word &- 0x3030_3030_3030_3030
        x = (x &* 10) &+ (x >> 8)                  // pairs 10·d0 + d1, … in bytes 0, 2, 4, 6
        let pairs02 = x & 0x0000_00FF_0000_00FF, pairs13 = (x >> 16) & 0x0000_00FF_0000_00FF
        return (pairs02 &* (100 &+ (1_000_000 << 32)) &+ pairs13 &* (1 &+ (10_000 << 32))) >> 32
    }

    /// `mantissa × 10^q` as (biased exponent, explicit mantissa bits), correctly rounded to
    /// nearest-even in `format`; nil when the 128-bit product cannot decide. `mantissa` > 0 and
    /// `q` within `format.decimalExponents`.
    @inline(__always)
    static func eiselLemire(_ mantissa: UInt64, _ q: Int, _ format: Format) -> (power: Int, bits: UInt64)? {
        let leadingZeros = mantissa.leadingZeroBitCount
        let w = mantissa << UInt64(leadingZeros)
        let index = 2 * (q - smallestPowerOfTen)
        var (high, low) = w.multipliedFullWidth(by: powersOfFive[index])
        let precisionMask = UInt64.max >> UInt64(format.mantissaBits + 3)
        if high & precisionMask == precisionMask {
            // The truncated bits of the first product could matter: add the next 64 bits.
            let (carry, _) = w.multipliedFullWidth(by: powersOfFive[index + 1])
            let (sum, overflow) = low.addingReportingOverflow(carry)
            low = sum
            if overflow { high &+= 1 }
            // Still all ones: the remaining truncation could change the result.
            if high & precisionMask == precisionMask && low == UInt64.max && !(q >= -27 && q <= 55) { return nil }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - format.mantissaBits - 3)
        var bits = high >> shift
        // floor(q · log2 10) + 63, exact over the table's range (checked by the generator).
        var power = ((217_706 * q) >> 16) + 63 + upperBit - leadingZeros - format.minimumExponent
        let implicit = UInt64(1) << UInt64(format.mantissaBits)
        if power <= 0 {
            // Subnormal (or zero): shift into place, round half up (no exact halfway case here).
            let drop = -power + 1
            guard drop < 64 else { return (0, 0) }
            bits >>= UInt64(drop)
            bits += bits & 1
            bits >>= 1
            if bits >= implicit { return (1, bits - implicit) }
            return (0, bits)
        }
        // An exact halfway value rounds to even: do not round up when nothing below the
        // rounding bit is set.
        if low <= 1 && format.roundToEven.contains(q) && bits & 3 == 1 && (bits << shift) == high {
            bits &= ~UInt64(1)
        }
        bits += bits & 1
        bits >>= 1
        if bits >= implicit << 1 {
            bits = implicit
            power += 1
        }
        bits &= ~implicit
        if power >= format.infinitePower { return (format.infinitePower, 0) }
        return (power, bits)
    }

    /// The float64 of `count` bytes at `p` (no surrounding spaces), as `strtod` gives it;
    /// nil when they are not entirely a number.
    static func double(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        if let decimal = scan(p, count), let value = convert(decimal) { return value }
        return fallback(p, count) { strtod($0, $1) }
    }

    /// The float64 of the number at the start of the `count` bytes at `p` and its length in
    /// bytes, when the fast paths decide it; nil otherwise (then read the field with `double`).
    /// For a field that ends where the number ends, the same value as `double` on the field.
    @inline(__always)
    static func doublePrefix(_ p: UnsafePointer<UInt8>, _ count: Int) -> (Double, Int)? {
        guard let (decimal, length) = scanPrefix(p, count), let value = convert(decimal) else { return nil }
        return (value, length)
    }

    /// Clinger's fast path or Eisel–Lemire for a scanned decimal; nil when neither decides.
    @inline(__always)
    private static func convert(_ decimal: Decimal) -> Double? {
        let w = decimal.digits, q = decimal.exponent
        if w == 0 { return decimal.negative ? -0.0 : 0.0 }
        if w <= 1 << 53 && q >= -22 && q <= 22 {
            let value = q < 0 ? Double(w) / exactPower64(-q) : Double(w) * exactPower64(q)
            return decimal.negative ? -value : value
        }
        if Format.float64.decimalExponents.contains(q), let (power, bits) = eiselLemire(w, q, .float64) {
            let word = (decimal.negative ? UInt64(1) << 63 : 0) | UInt64(power) << 52 | bits
            return Double(bitPattern: word)
        }
        return nil
    }

    /// The float32 of `count` bytes at `p`, as `strtof` gives it (one rounding).
    static func float(_ p: UnsafePointer<UInt8>, _ count: Int) -> Float? {
        if let decimal = scan(p, count) {
            let w = decimal.digits, q = decimal.exponent
            if w == 0 { return decimal.negative ? -0.0 : 0.0 }
            if w <= 1 << 24 && q >= -10 && q <= 10 {
                let value = q < 0 ? Float(w) / exactPower32(-q) : Float(w) * exactPower32(q)
                return decimal.negative ? -value : value
            }
            if Format.float32.decimalExponents.contains(q), let (power, bits) = eiselLemire(w, q, .float32) {
                let word = (decimal.negative ? UInt32(1) << 31 : 0) | UInt32(power) << 23 | UInt32(bits)
                return Float(bitPattern: word)
            }
        }
        return fallback(p, count) { strtof($0, $1) }
    }

    /// The C library's conversion of the bytes (NUL-terminated copy), nil unless it reads them all.
    static func fallback<T>(_ p: UnsafePointer<UInt8>, _ count: Int,
                            _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T? {
        guard count > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer -> T? in
            guard let base = buffer.baseAddress else { return nil }
            for i in 0..<count {
                guard p[i] != 0 else { return nil }
                base[i] = CChar(bitPattern: p[i])
            }
            base[count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = convert(base, &end)
            guard let end, end == base + count else { return nil }
            return value
        }
    }
}

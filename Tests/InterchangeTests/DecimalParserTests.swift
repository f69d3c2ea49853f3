import Foundation
import Testing
import SeededRandom
@testable import Interchange

/// What C's strtod gives for the whole of `text` (nil when it does not read all of it): the
/// reference `NumberText.double` must match bit for bit.
private func referenceDouble(_ text: String) -> Double? {
    text.withCString { start -> Double? in
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = strtod(start, &end)
        guard let end, end == UnsafeMutablePointer(mutating: start) + strlen(start), strlen(start) > 0 else { return nil }
        return value
    }
}

/// strtof, as `referenceDouble`.
private func referenceFloat(_ text: String) -> Float? {
    text.withCString { start -> Float? in
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = strtof(start, &end)
        guard let end, end == UnsafeMutablePointer(mutating: start) + strlen(start), strlen(start) > 0 else { return nil }
        return value
    }
}

private func bytes(_ text: String) -> ArraySlice<UInt8> { ArraySlice(Array(text.utf8)) }

/// A random decimal: sign, 1–25 random digits (leading zeros possible), a decimal point
/// anywhere or none, an exponent (e/E, signed) from -360 to 330 or none.
private func randomDecimal(_ g: inout SplitMix64) -> String {
    var text = ""
    switch g.nextInt(below: 4) {
    case 0: text = "-"
    case 1: text = "+"
    default: break
    }
    let count = g.nextInt(below: 10) == 0 ? 20 + g.nextInt(below: 6) : 1 + g.nextInt(below: 19)
    var digits = (0..<count).map { _ in Character(String(g.nextInt(below: 10))) }
    if g.nextInt(below: 3) == 0 { digits[0] = "0" }
    let point = g.nextInt(below: count + 2)
    if point <= count { digits.insert(".", at: point) }
    text += String(digits)
    if g.nextInt(below: 3) > 0 {
        text += g.nextInt(below: 2) == 0 ? "e" : "E"
        switch g.nextInt(below: 3) {
        case 0: text += "-"
        case 1: text += "+"
        default: break
        }
        text += String(g.nextInt(below: 2) == 0 ? g.nextInt(below: 30) : g.nextInt(below: 361))
    }
    return text
}

@Suite struct DecimalParserTests {
    private func expectSameDouble(_ text: String) {
        let ours = NumberText.double(bytes: bytes(text)), reference = referenceDouble(text)
        #expect(ours?.bitPattern == reference?.bitPattern, "\(text): \(String(describing: ours)) vs strtod \(String(describing: reference))")
    }

    private func expectSameFloat(_ text: String) {
        let ours = NumberText.float(bytes: bytes(text)), reference = referenceFloat(text)
        #expect(ours?.bitPattern == reference?.bitPattern, "\(text): \(String(describing: ours)) vs strtof \(String(describing: reference))")
    }

    /// 10^5 random decimal strings: the parser gives strtod's double and strtof's float.
    @Test func randomDecimalsMatchStrtod() {
        var g = SplitMix64(seed: 2021)
        for _ in 0..<100_000 {
            let text = randomDecimal(&g)
            expectSameDouble(text)
            expectSameFloat(text)
        }
    }

    /// The one-pass CSV reader's `doublePrefix`: on a number followed by a delimiter it reads
    /// the number's length and, when it decides, strtod's value of the field alone.
    @Test func prefixReadsTheFieldAsAWhole() {
        var g = SplitMix64(seed: 31)
        var decided = 0
        for index in 0..<50_000 {
            let text = index % 2 == 0 ? randomDecimal(&g) : Double(bitPattern: g.next()).description
            for tail in ["", ",", ",1.5", "\t2", "x"] {
                let bytes = Array((text + tail).utf8)
                let prefix = bytes.withUnsafeBufferPointer { NumberText.doublePrefix(buffer: $0) }
                guard let (value, length) = prefix else { continue }
                #expect(length <= text.utf8.count, "\(text + tail)")
                if length == text.utf8.count {
                    #expect(value.bitPattern == referenceDouble(text)?.bitPattern, "\(text + tail)")
                    decided += 1
                }
            }
        }
        #expect(decided > 100_000)
        // Not ordinary decimals: the field is read the checked way.
        for text in ["", " 1", "inf", "nan", "1e", "1e+,", ".", "-", "12345678901234567890"] {
            let bytes = Array((text + ",").utf8)
            #expect(bytes.withUnsafeBufferPointer { NumberText.doublePrefix(buffer: $0) } == nil, "\(text)")
        }
        // A number that stops before the delimiter: its length says so (the reader then checks).
        #expect(Array("0x10,".utf8).withUnsafeBufferPointer { NumberText.doublePrefix(buffer: $0)?.1 } == 1)
    }

    /// Shortest round-trip and 17-digit forms of random doubles of every exponent, subnormals
    /// included, and of random floats.
    @Test func roundTripFormsMatchStrtod() {
        var g = SplitMix64(seed: 5)
        for index in 0..<60_000 {
            var bits = g.next()
            if index % 4 == 0 { bits &= 0x800F_FFFF_FFFF_FFFF }   // subnormal (or ±0)
            let d = Double(bitPattern: bits)
            guard d.isFinite else { continue }
            for text in [d.description, String(format: "%.17g", d), String(format: "%.16e", d), String(format: "%.15g", d)] {
                expectSameDouble(text)
            }
            #expect(NumberText.double(bytes: bytes(d.description))?.bitPattern == d.bitPattern, "\(d)")
            var floatBits = UInt32(truncatingIfNeeded: g.next())
            if index % 4 == 0 { floatBits &= 0x807F_FFFF }
            let f = Float(bitPattern: floatBits)
            guard f.isFinite else { continue }
            for text in [f.description, String(format: "%.9g", Double(f)), d.description] {
                expectSameFloat(text)
            }
            #expect(NumberText.float(bytes: bytes(f.description))?.bitPattern == f.bitPattern, "\(f)")
        }
    }

    /// Exact halfway cases round to even, and the values around them round to nearest.
    @Test func halfwayCasesRoundToEven() {
        var g = SplitMix64(seed: 53)
        for _ in 0..<20_000 {
            // Between 2^52 and 2^53 doubles are the integers: k + 0.5 is halfway (17 digits).
            let k = (UInt64(1) << 52) + g.next() % (UInt64(1) << 52)
            expectSameDouble("\(k).5")
            expectSameDouble("\(k).49999")
            expectSameDouble("\(k).50001")
            // Between 2^53 and 2^54 they are the even integers: odd ones are halfway.
            let odd = ((UInt64(1) << 53) + g.next() % (UInt64(1) << 53)) | 1
            expectSameDouble("\(odd)")
            expectSameDouble("\(odd)000")
            expectSameDouble("\(odd)e-3")
            let m = (UInt64(1) << 23) + g.next() % (UInt64(1) << 23)
            expectSameFloat("\(m).5")
            expectSameFloat("\((UInt64(1) << 24) + 2 * (g.next() % (UInt64(1) << 23)) + 1)")
            expectSameFloat("\(m).5e3")
        }
    }

    /// The ends of the ranges, specials and text that is not a number (same answer as strtod:
    /// these mostly take its path).
    @Test func edgeCasesMatchStrtod() {
        let texts = [
            "0", "-0", "+0", "0.0", "-0.0", "00000", "0e999999999", "-0e-5", ".5", "5.", "-.5e1", "1e0", "1E+05",
            "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "2e308", "1e309", "9e308",
            "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324", "3e-324",
            "2.4703282292062328e-324", "2.4703282292062327e-324", "2.4703282292062327e-325", "1e-400", "-1e-400",
            "1e-342", "1e-343", "9999999999999999999e-343", "9999999999999999999e308", "1e23", "8.98846567431158e307",
            "9007199254740993", "9007199254740992.5", "4.35679732e-5", "0.1", "0.2", "0.3", "3.4028234663852886e38",
            "3.4028235677973366e38", "3.4028236e38", "1.17549435e-38", "1.4e-45", "7e-46", "7.006492321624085e-46",
            "12345678901234567890", "1234567890123456789", "0.0000000000000000000000000000012345678901234567890123",
            String(repeating: "1", count: 200), "0." + String(repeating: "0", count: 150) + "1e150",
            "inf", "-inf", "+inf", "INF", "infinity", "Infinity", "nan", "-nan", "NaN", "nan(123)", "0x1p3", "0X1.8p-2", "-0x10",
            "", "+", "-", ".", "e5", "1e", "1e+", "1.5.2", "1,5", "1.5x", "--1", "+-1", "1e5.5", "1 2", "١٢", "1e99999999999999999999",
        ]
        for text in texts {
            expectSameDouble(text)
            expectSameFloat(text)
            if let value = referenceDouble(text), value.isNaN {
                #expect(NumberText.double(bytes: bytes(text))?.isNaN == true, "\(text)")
            }
        }
        // Surrounding spaces and tabs are ignored; the String entry points are the same parser.
        #expect(NumberText.double(bytes: bytes(" \t-2.5e-3\t ")) == -2.5e-3)
        #expect(NumberText.double(" 2.5 ") == 2.5)
        #expect(NumberText.float("\t0.1") == Float(0.1))
        #expect(NumberText.double(bytes: bytes("   ")) == nil)
        #expect(NumberText.double(bytes: ArraySlice([49, 0, 50])) == nil)
    }

    /// The power-of-five table: every entry has its top bit set, and the entries for
    /// 0 ≤ q ≤ 27 (5^q < 2^64) are exactly 5^q shifted left.
    @Test func powersOfFiveAreNormalized() {
        let table = DecimalParser.powersOfFive
        #expect(table.count == 2 * (DecimalParser.largestPowerOfTen - DecimalParser.smallestPowerOfTen + 1))
        for index in stride(from: 0, to: table.count, by: 2) { #expect(table[index] >> 63 == 1) }
        var five: UInt64 = 1
        for q in 0...27 {
            let index = 2 * (q - DecimalParser.smallestPowerOfTen)
            let shift = five.leadingZeroBitCount
            #expect(table[index] == five << UInt64(shift) && table[index + 1] == 0, "5^\(q)")
            if q < 27 { five *= 5 }
        }
    }
}

@Suite struct EightDigitTests {
    private func eight(_ bytes: [UInt8]) -> UInt64? {
        bytes.withUnsafeBufferPointer { buffer in buffer.baseAddress.flatMap { DecimalParser.eightDigits($0) } }
    }

    /// The eight-digit step agrees with reading the digits one by one, and refuses any
    /// non-digit byte in any position.
    @Test func eightDigitsAtOnce() {
        var g = SplitMix64(seed: 8)
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in UInt8(48 + g.nextInt(below: 10)) }
            let expected = bytes.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) }
            #expect(eight(bytes) == expected)
            bytes[g.nextInt(below: 8)] = [UInt8(47), 58, 46, 101, 0, 0xFF, 0xFA, 32, 0x70, 0x39 + 0x80][g.nextInt(below: 10)]
            #expect(eight(bytes) == nil, "\(bytes)")
        }
    }
}

import Foundation
import Testing
import SeededRandom
@testable import Interchange

private func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softness-interchange-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// A random double with any exponent and sign (bit patterns, NaN/Inf skipped).
private func randomDouble(_ g: inout SplitMix64) -> Double {
    while true {
        let value = Double(bitPattern: g.next())
        if value.isFinite { return value }
    }
}

@Suite struct NumberTextTests {
    @Test func shortestFormReadsBackBitForBit() {
        var g = SplitMix64(seed: 12)
        for _ in 0..<20_000 {
            let d = randomDouble(&g)
            #expect(Double(NumberText.shortest(d))?.bitPattern == d.bitPattern, "\(d)")
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            guard f.isFinite else { continue }
            let text = NumberText.shortest(f)
            #expect(Float(text)?.bitPattern == f.bitPattern, "\(text)")
            // Parsed as float64 (as pandas does) and rounded to float32, the same float.
            #expect(Float(Double(text)!).bitPattern == f.bitPattern, "\(text)")
        }
        #expect(NumberText.shortest(-0.0) == "-0.0")
        #expect(NumberText.shortest(1e-5) == "1e-05")
        #expect(NumberText.double(" 2.5 ") == 2.5)
        #expect(NumberText.double("abc") == nil)
    }

    /// The byte parser of CSV import gives what the String parser gives: bit for bit on random
    /// doubles and floats in shortest form and in %.17g, and on the edge cases.
    @Test func byteParserAgreesWithTheStringParser() {
        func bytes(_ text: String) -> ArraySlice<UInt8> { ArraySlice(Array(text.utf8)) }
        var g = SplitMix64(seed: 13)
        for _ in 0..<20_000 {
            let d = randomDouble(&g)
            for text in [NumberText.shortest(d), String(format: "%.17g", d)] {
                #expect(NumberText.double(bytes: bytes(text))?.bitPattern == NumberText.double(text)?.bitPattern, "\(text)")
            }
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
            guard f.isFinite else { continue }
            let text = NumberText.shortest(f)
            #expect(NumberText.float(bytes: bytes(text))?.bitPattern == NumberText.float(text)?.bitPattern, "\(text)")
        }
        for text in [" 2.5", "2.5 ", "\t-0.0", "+2", "1e-5", "4.389e+03", "1e400", "-1e400", "inf", "nan", "0x1p3"] {
            let fromBytes = NumberText.double(bytes: bytes(text)), fromString = NumberText.double(text)
            #expect(fromBytes?.bitPattern == fromString?.bitPattern || (fromBytes?.isNaN == true && fromString?.isNaN == true), "\(text)")
        }
        for text in ["", " ", "abc", "1,5", "1.5x", "1 2", "--1", "1e"] {
            #expect(NumberText.double(bytes: bytes(text)) == nil && NumberText.double(text) == nil, "\(text)")
        }
    }
}

@Suite struct NPYTests {
    @Test func headerIsWhatNumpyWrites() throws {
        // numpy 1.26/2.x: np.save of np.zeros((3, 2)) starts with these 128 bytes.
        let header = NPYHeader(dtype: .float64, shape: [3, 2]).encoded()
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }"
        let expected: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + Array(dict.utf8) + Array(repeating: 32, count: 118 - dict.utf8.count - 1) + [10]
        #expect(header == expected)
        #expect(header.count % 64 == 0)
        #expect(String(decoding: NPYHeader(dtype: .int8, shape: [7]).encoded(), as: UTF8.self).contains("'descr': '|i1', 'fortran_order': False, 'shape': (7,), }"))
        #expect(String(decoding: NPYHeader(dtype: .unicode(characters: 5), shape: [2]).encoded(), as: UTF8.self).contains("'<U5'"))
    }

    @Test(arguments: [NPYDType.float32, .float64, .int8, .uint8, NPYDType(kind: .signedInteger, size: 8), NPYDType(kind: .float, size: 8, bigEndian: true)])
    func writtenArraysReadBack(_ dtype: NPYDType) throws {
        try withDirectory { dir in
            var g = SplitMix64(seed: UInt64(dtype.size))
            let rows = 37, d = 3
            let values: [Double] = (0..<(rows * d)).map { _ in
                dtype.kind == .float ? (dtype.size == 4 ? Double(Float(randomDouble(&g).truncatingRemainder(dividingBy: 1e30))) : randomDouble(&g))
                    : Double(Int(g.next() % 200) - (dtype.kind == .signedInteger ? 100 : 0))
            }
            let path = dir.appendingPathComponent("a.npy").path
            if dtype.bigEndian {
                // Our writer writes little-endian only; build a big-endian file by hand.
                var bytes = NPYHeader(dtype: dtype, shape: [rows, d]).encoded()
                for v in values { withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes += $0 } }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            } else {
                let writer = try NPYWriter(path: path, dtype: dtype, shape: [rows, d])
                try writer.append(Array(values[0..<30]))
                try writer.append(Array(values[30...]))
                try writer.close()
            }
            let reader = try NPYReader(path: path)
            #expect(reader.header.shape == [rows, d])
            #expect(reader.header.dtype == dtype)
            #expect(reader.header.dataOffset % 64 == 0)
            let back = try reader.readDoubles(rows: 0..<rows)
            #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
            #expect(try reader.readDoubles(rows: 5..<9) == Array(values[15..<27]))
        }
    }

    @Test func fortranOrderIsTransposed() throws {
        try withDirectory { dir in
            // A [4, 3] array stored column by column: element (i, j) = 10 i + j.
            var bytes = NPYHeader(dtype: .float64, shape: [4, 3], fortranOrder: true).encoded()
            #expect(String(decoding: bytes, as: UTF8.self).contains("'fortran_order': True"))
            for j in 0..<3 { for i in 0..<4 { withUnsafeBytes(of: Double(10 * i + j).bitPattern.littleEndian) { bytes += $0 } } }
            let path = dir.appendingPathComponent("f.npy").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let reader = try NPYReader(path: path)
            #expect(try reader.readDoubles(rows: 0..<4) == [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32])
            #expect(try reader.readDoubles(rows: 2..<3) == [20, 21, 22])
        }
    }

    @Test func badArraysAreNamed() throws {
        try withDirectory { dir in
            func file(_ name: String, _ bytes: [UInt8]) -> String {
                let path = dir.appendingPathComponent(name).path
                FileManager.default.createFile(atPath: path, contents: Data(bytes))
                return path
            }
            func header(_ dict: String) -> [UInt8] {
                let text = dict + String(repeating: " ", count: (64 - (11 + dict.utf8.count) % 64) % 64) + "\n"
                return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.utf8.count & 0xff), UInt8(text.utf8.count >> 8)] + Array(text.utf8)
            }
            let cases: [(String, [UInt8], String)] = [
                ("complex.npy", header("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }") + [UInt8](repeating: 0, count: 32), "dtype '<c16' is not supported; complex"),
                ("object.npy", header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), "dtype '|O' is not supported"),
                ("record.npy", header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }"), "structured"),
                ("half.npy", header("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }"), "float16"),
                ("noshape.npy", header("{'descr': '<f8', 'fortran_order': False, }"), "no 'shape' tuple"),
                ("garbage.npy", header("descr <f8"), "not a Python dict literal"),
                ("magic.npy", Array("just text, not numpy".utf8), "no \\x93NUMPY magic"),
                ("short.npy", header("{'descr': '<f8', 'fortran_order': False, 'shape': (10, 2), }") + [UInt8](repeating: 0, count: 24), "truncated: shape [10, 2] of <f8 needs 160 bytes of data, the file holds 24"),
                ("version.npy", [0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0], "version 9.0"),
            ]
            for (name, bytes, message) in cases {
                let path = file(name, bytes)
                #expect {
                    _ = try NPYReader(path: path)
                } throws: { error in
                    "\(error)".contains(path) && "\(error)".contains(message)
                }
            }
        }
    }
}

@Suite struct CSVTests {
    @Test func quotedFieldsAndLineEndsRoundTrip() throws {
        try withDirectory { dir in
            let path = dir.appendingPathComponent("q.csv").path
            let writer = try CSVTable.Writer(path: path, delimiter: .comma, header: ["a,b", "say \"hi\"", "plain"])
            try writer.field(1.5)
            try writer.field(Float(0.1))
            try writer.field(-3)
            try writer.endRow()
            try writer.close()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "\"a,b\",\"say \"\"hi\"\"\",plain\n1.5,0.1,-3\n")
            let reader = try CSVTable.Reader(path: path, delimiter: .comma)
            #expect(reader.header == ["a,b", "say \"hi\"", "plain"])
            #expect(try reader.next() == ["1.5", "0.1", "-3"])
            #expect(try reader.next() == nil)
            // A byte-order mark, CRLF line ends and blank lines are accepted.
            let windows = dir.appendingPathComponent("w.csv").path
            try Data([0xEF, 0xBB, 0xBF] + Array("x\ty\r\n1\t2\r\n\r\n3\t4\r\n".utf8)).write(to: URL(fileURLWithPath: windows))
            let tsv = try CSVTable.Reader(path: windows, delimiter: .tab)
            #expect(tsv.header == ["x", "y"])
            #expect(try tsv.next() == ["1", "2"])
            #expect(try tsv.next() == ["3", "4"])
            #expect(tsv.lineNumber == 4)
        }
    }

    @Test func raggedAndUnclosedLinesAreNamed() throws {
        try withDirectory { dir in
            let path = dir.appendingPathComponent("r.csv").path
            try "a,b,c\n1,2,3\n4,5\n".write(toFile: path, atomically: false, encoding: .utf8)
            let reader = try CSVTable.Reader(path: path, delimiter: .comma)
            _ = try reader.next()
            #expect(throws: InterchangeError.ragged(file: path, line: 3, fields: 2, expected: 3)) { try reader.next() }
            try "a,b\n\"1,2\n".write(toFile: path, atomically: false, encoding: .utf8)
            let open = try CSVTable.Reader(path: path, delimiter: .comma)
            #expect { try open.next() } throws: { "\($0)".contains("\(path):2: unclosed quote in field 1") }
            try "".write(toFile: path, atomically: false, encoding: .utf8)
            #expect { try CSVTable.Reader(path: path, delimiter: .comma) } throws: { "\($0)".contains("is empty") }
            #expect { try CSVTable.Reader(path: dir.path, delimiter: .comma) } throws: { "\($0)".contains("is a directory") }
        }
    }
}

@Suite struct LIBSVMTests {
    @Test func writesWhatLIBLINEARReads() throws {
        try withDirectory { dir in
            let path = dir.appendingPathComponent("a.svm").path
            let writer = try LIBSVMText.Writer(path: path)
            try writer.write(label: 1, features: [0.5, 0, -0.0, 2], float32: false)
            try writer.write(label: -1, features: [0, 0, 0, Double(Float(0.1))], float32: true)
            try writer.close()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "+1 1:0.5 3:-0.0 4:2.0\n-1 4:0.1\n")
            let reader = try LIBSVMText.Reader(path: path)
            #expect(try reader.next() == LIBSVMText.Row(label: 1, columns: [0, 2, 3], values: [0.5, -0.0, 2]))
            let second = try #require(try reader.next())
            #expect(second.values == [Double(Float(0.1))] || second.values == [0.1])
            #expect(try reader.next() == nil)
        }
    }

    @Test func commentsQidAndZeroBasedFiles() throws {
        try withDirectory { dir in
            let path = dir.appendingPathComponent("s.svm").path
            try "# dumped by scikit-learn\n1 qid:3 0:1.5 2:-2 # comment\n\n0 1:4\n".write(toFile: path, atomically: false, encoding: .utf8)
            let reader = try LIBSVMText.Reader(path: path, zeroBased: true, float32: true)
            #expect(try reader.next() == LIBSVMText.Row(label: 1, columns: [0, 2], values: [1.5, -2]))
            #expect(try reader.next() == LIBSVMText.Row(label: 0, columns: [1], values: [4]))
            #expect(reader.lineNumber == 4)
        }
    }

    @Test(arguments: [
        ("+1 0:1.0\n", "1: index 0 in '0:1.0' is below 1; LIBSVM indices start at 1"),
        ("+1 1:1 3:2\n-1 3:1 2:5\n", "2: index 2 in '2:5' is not above the previous index 3"),
        ("+1 1:1 1:2\n", "1: index 1 in '1:2' is not above the previous index 1"),
        ("+1 x:1\n", "1: index 'x' in 'x:1' is not an integer"),
        ("+1 1:abc\n", "1: value 'abc' of index 1 is not a number"),
        ("+1 1:nan\n", "1: value 'nan' of index 1 is not finite"),
        ("yes 1:1\n", "1: label 'yes' is not a number"),
        ("+1 1:1 7\n", "1: '7' is not index:value"),
    ])
    func badLinesAreNamed(_ text: String, _ message: String) throws {
        try withDirectory { dir in
            let path = dir.appendingPathComponent("bad.svm").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let reader = try LIBSVMText.Reader(path: path)
            #expect {
                while try reader.next() != nil {}
            } throws: { error in
                "\(error)".hasPrefix("\(path):\(message)")
            }
        }
    }
}

@Suite struct NPZTests {
    @Test func archiveHoldsTheArraysStoredOrDeflated() throws {
        try withDirectory { dir in
            for compress in [false, true] {
                let path = dir.appendingPathComponent("a\(compress).npz").path
                let writer = try NPZWriter(path: path, compress: compress)
                let values = (0..<1000).map { Double($0) / 7 }
                var offset = 0
                try writer.add(name: "X", header: NPYHeader(dtype: .float64, shape: [250, 4])) {
                    guard offset < values.count else { return nil }
                    var bytes: [UInt8] = []
                    NPYEncoding.append(Array(values[offset..<min(values.count, offset + 333)]), as: .float64, to: &bytes)
                    offset += 333
                    return bytes
                }
                var names: [UInt8] = []
                NPYEncoding.append(unicode: ["a", "béta", "γ", "d"], as: .unicode(characters: 4), to: &names)
                var once: [UInt8]? = names
                try writer.add(name: "feature_names", header: NPYHeader(dtype: .unicode(characters: 4), shape: [4])) {
                    defer { once = nil }
                    return once
                }
                writer.close()
                let reader = try NPZReader(path: path)
                #expect(Set(reader.arrayNames) == ["X", "feature_names"])
                let x = try reader.open("X", extractingInto: dir)
                #expect(x.header.shape == [250, 4])
                #expect(try x.readDoubles(rows: 0..<250) == values)
                #expect(try reader.open("feature_names", extractingInto: dir).readStrings() == ["a", "béta", "γ", "d"])
                #expect { try reader.open("y", extractingInto: dir) } throws: { "\($0)".contains("no array 'y' (it holds X, feature_names)") }
            }
            // Same arrays, same bytes (fixed entry times).
            func archive(_ name: String) throws -> Data {
                let path = dir.appendingPathComponent(name).path
                let writer = try NPZWriter(path: path)
                var once: [UInt8]? = [1, 2, 3]
                try writer.add(name: "y", header: NPYHeader(dtype: .int8, shape: [3])) { defer { once = nil }; return once }
                writer.close()
                return try Data(contentsOf: URL(fileURLWithPath: path))
            }
            #expect(try archive("one.npz") == archive("two.npz"))
        }
    }

    @Test func aFileThatIsNotAZipIsNamed() throws {
        try withDirectory { dir in
            let path = dir.appendingPathComponent("fake.npz").path
            try "PK but not really a zip".write(toFile: path, atomically: false, encoding: .utf8)
            #expect { try NPZReader(path: path) } throws: { "\($0)".hasPrefix("\(path): not a zip archive, so not a numpy .npz") }
        }
    }
}

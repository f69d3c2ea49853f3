import Testing
@testable import HDF5

/// Reads a file written by h5py (tools/make_h5py_fixtures.py) and checks every value.
@Suite struct H5pyFixtureTests {
    @Test func readsWhatH5pyWrote() throws {
        let file = try File.open(try fixturePath("h5py_fixture.h5"))
        let matrix = try file.dataset("matrix_f32")
        #expect(try matrix.shape() == [5, 3])
        #expect(try matrix.elementType() == .float(bytes: 4))
        #expect(try matrix.read(as: Double.self) == (0..<15).map { 0.5 * Double($0) })
        #expect(try matrix.readRows(2..<4, as: Float.self) == (6..<12).map { 0.5 * Float($0) })
        #expect(try matrix.attribute("units") == .string("sigma"))
        #expect(try matrix.attribute("scale") == .real(0.5))
        #expect(try file.dataset("ints_i16").read(as: Int32.self) == [-2000, -1000, 0, 1000])
        let chunked = try file.dataset("nested/group/chunked")
        #expect(try chunked.chunks() == [16, 2])
        #expect(try chunked.read(as: Double.self) == (0..<100).flatMap { [Double($0), -Double($0)] })
        #expect(try file.dataset("names_vlen").readStrings() == ["alpha", "beta", "γ-ray"])
        #expect(try file.dataset("names_fixed").readStrings() == ["G_A_1.0", "G_B_1.5"])
        #expect(try file.dataset("uint8_flags").read(as: UInt8.self) == [0, 1, 1, 0])
        #expect(try file.attribute("schema_version") == .integer(1))
        #expect(try file.attribute("title") == .string("h5py fixture"))
        #expect(try file.attribute("temperatures") == .reals([0.3, 0.4]))
    }
}

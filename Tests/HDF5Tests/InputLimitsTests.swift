import Testing
@testable import HDF5

/// `InputLimits.parseSize`: the sizes of every `--memory` option, in binary units.
@Suite struct InputLimitsTests {
    @Test func sizesParseInBinaryUnits() {
        #expect(InputLimits.parseSize("2G") == 2 << 30 && InputLimits.parseSize("500M") == 500 << 20 && InputLimits.parseSize("64kB") == 64 << 10)
        #expect(InputLimits.parseSize("1.5g") == 3 << 29 && InputLimits.parseSize(" 3T ") == 3 << 40)
        #expect(InputLimits.parseSize("1234") == 1234 && InputLimits.parseSize("0") == nil && InputLimits.parseSize("lots") == nil && InputLimits.parseSize("-1G") == nil)
    }
}

import Testing
@testable import HDF5

/// `InputLimits.parseSize`: the sizes of every `--memory` option, in binary units.
@Suite struct InputLimitsTests {
    @Test func sizesParseInBinaryUnits() {
        #expect(InputLimits.parseSize("2G") == 2 << 30 && InputLimits.parseSize("500M") == 500 << 20 && InputLimits.parseSize("64kB") == 64 << 10)
        #expect(InputLimits.parseSize("1.5g") == 3 << 29 && InputLimits.parseSize(" 3T ") == 3 << 40)
        #expect(InputLimits.parseSize("1234") == 1234 && InputLimits.parseSize("0") == nil && InputLimits.parseSize("lots") == nil && InputLimits.parseSize("-1G") == nil)
    }

    @Test func availableMemoryIsTheSmallestOfMachineSlurmAndCgroup() {
        let gib = 1 << 30
        #expect(InputLimits.availableMemory(physical: 24 * gib, slurmMegabytes: nil, cgroupLimit: nil) == 24 * gib)
        #expect(InputLimits.availableMemory(physical: 24 * gib, slurmMegabytes: "4096", cgroupLimit: "max\n") == 4 * gib)
        #expect(InputLimits.availableMemory(physical: 24 * gib, slurmMegabytes: "8G", cgroupLimit: "\(3 * gib)\n") == 3 * gib)
        #expect(InputLimits.availableMemory(physical: 2 * gib, slurmMegabytes: "8192", cgroupLimit: "max") == 2 * gib)
        #expect(InputLimits.availableMemory(physical: 24 * gib, slurmMegabytes: "lots", cgroupLimit: "-1") == 24 * gib)
        #expect(InputLimits.memoryBudget == InputLimits.availableMemory / 2)
    }
}

import Testing
@testable import Structure

/// `StructureFunctionParameters(parsingFeatureNames:)`: the parameters `softness apply` recovers
/// from a table's feature names when it records no `structure_*` attributes.
@Suite struct FeatureNameParsingApplyTests {
    @Test func everyPresetIsRecoveredFromItsNames() throws {
        let small = try StructureFunctionParameters(radialCenters: (5...40).map { Double($0) / 10 }, radialWidth: 0.1,
                                                    angularXi: [0.8, 1.0, 1.2], angularLambda: [-1, 1], angularZeta: [1, 2],
                                                    species: [1, 2], speciesNames: ["A", "B"])
        for preset in [small, .schoenholz2016KobAndersen, .pooled50Radial20Angular] {
            let recovered = try StructureFunctionParameters(parsingFeatureNames: preset.featureNames)
            #expect(recovered == preset)
        }
    }

    @Test func namesThatAreNotAFeaturizeSetAreRefused() throws {
        #expect(throws: StructureError.self) { try StructureFunctionParameters(parsingFeatureNames: ["x0", "x1"]) }
        let names = StructureFunctionParameters.pooled50Radial20Angular.featureNames
        // A missing angular function, or the columns in another order, is not what featurize writes.
        let angular = try #require(names.firstIndex { $0.hasPrefix("Psi_") })
        var holed = names
        holed.remove(at: angular + 3)
        #expect(throws: StructureError.self) { try StructureFunctionParameters(parsingFeatureNames: holed) }
        #expect(throws: StructureError.self) { try StructureFunctionParameters(parsingFeatureNames: names.reversed()) }
    }
}

import Foundation
import Testing
@testable import ParticleTable
import HDF5

/// `created`: SOURCE_DATE_EPOCH fixes it, the batch policy leaves it out.
@Suite(.serialized) struct CreationTimeTests {
    @Test func sourceDateEpochFixesTheTime() {
        #expect(CreationTime.stamp(environment: ["SOURCE_DATE_EPOCH": "1700000000"]) == "2023-11-14T22:13:20Z")
        #expect(CreationTime.stamp(environment: ["SOURCE_DATE_EPOCH": "0"]) == "1970-01-01T00:00:00Z")
        // not an integer: ignored, the current time is used
        let now = CreationTime.stamp(environment: ["SOURCE_DATE_EPOCH": "yesterday"])
        #expect(now.flatMap { ISO8601DateFormatter().date(from: $0) }.map { abs($0.timeIntervalSinceNow) < 3600 } == true)
    }

    @Test func omittedPolicyRecordsNoTime() {
        let policy = CreationTime.policy
        defer { CreationTime.policy = policy }
        CreationTime.policy = .omitted
        #expect(CreationTime.stamp(environment: ["SOURCE_DATE_EPOCH": "1700000000"]) == nil)
        #expect(ResultStore.provenance(input: "t.h5", digest: "d", commandLine: "softness batch plan")["created"] == nil)
        CreationTime.policy = .now
        #expect(ResultStore.provenance(input: "t.h5", digest: "d", commandLine: "softness batch plan")["command_line"] == .string("softness batch plan"))
    }
}

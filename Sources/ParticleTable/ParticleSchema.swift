import Foundation
import HDF5

/// The particle-table format, version 1, as a machine-checkable description.
///
/// The canonical text is `schemas/particles-v1.json` (human-readable spec in
/// `schemas/particles-v1.md`); `ParticleSchema.embeddedJSON` is a verbatim copy compiled into
/// the library so the tool works wherever it is installed, and a unit test keeps the two equal.
public struct ParticleSchema: Decodable, Sendable {
    /// One attribute of the root group.
    public struct Attribute: Decodable, Sendable {
        public let name: String
        /// `"string"`, `"integer"` or `"real"`.
        public let type: String
        public let required: Bool
        /// A fixed value the attribute must have, if any.
        public let value: String?
    }

    /// One dataset: where it is, whether it must exist, element kinds and symbolic shape.
    public struct DatasetSpec: Decodable, Sendable {
        public let path: String
        public let required: Bool
        /// Allowed element kinds: `"float"`, `"int"`, `"uint"`, `"string"`.
        public let kinds: [String]
        /// Symbolic extents: `"N"` (rows), `"d"` (features) or a number as text.
        public let shape: [String]
        /// Allowed values (checked by `softness validate`, not by the structural check).
        public let values: [Int]?
        public let description: String
    }

    /// One group.
    public struct GroupSpec: Decodable, Sendable {
        public let path: String
        public let required: Bool
        public let description: String
    }

    /// Name written in the root attribute `schema`.
    public let schema: String
    /// Version written in the root attribute `schema_version`.
    public let schemaVersion: Int
    public let rootAttributes: [Attribute]
    public let datasets: [DatasetSpec]
    public let groups: [GroupSpec]

    enum CodingKeys: String, CodingKey {
        case schema, schemaVersion = "schema_version", rootAttributes = "root_attributes", datasets, groups
    }

    /// The version-1 particle-table schema.
    public static let v1: ParticleSchema = {
        do {
            return try JSONDecoder().decode(ParticleSchema.self, from: Data(embeddedJSON.utf8))
        } catch {
            preconditionFailure("the embedded particle schema does not decode: \(error)")
        }
    }()

    /// Verbatim copy of `schemas/particles-v1.json`.
    static let embeddedJSON = #"""
{
  "schema": "softness.particles",
  "schema_version": 1,
  "description": "A particle table: one row per particle and frame, with structure features, rearrangement labels and temperature. See schemas/particles-v1.md.",
  "root_attributes": [
    {"name": "schema", "type": "string", "required": true, "value": "softness.particles"},
    {"name": "schema_version", "type": "integer", "required": true},
    {"name": "creator", "type": "string", "required": false},
    {"name": "source", "type": "string", "required": false},
    {"name": "created", "type": "string", "required": false}
  ],
  "datasets": [
    {"path": "/features", "required": true, "kinds": ["float"], "shape": ["N", "d"],
     "description": "structure features, one row per particle and frame (float32 or float64)"},
    {"path": "/feature_names", "required": true, "kinds": ["string"], "shape": ["d"],
     "description": "name of each feature column (variable-length UTF-8)"},
    {"path": "/labels", "required": true, "kinds": ["int"], "shape": ["N"], "values": [-1, 1],
     "description": "R = +1 rearranges, -1 does not"},
    {"path": "/temperature", "required": true, "kinds": ["float"], "shape": ["N"],
     "description": "temperature of the row's run, in the simulation's energy units (k_B = 1)"},
    {"path": "/split", "required": false, "kinds": ["int", "uint"], "shape": ["N"], "values": [0, 1],
     "description": "0 = training row, 1 = test row"},
    {"path": "/energy_barrier", "required": false, "kinds": ["float"], "shape": ["N"],
     "description": "true barrier Delta E (toy data only)"},
    {"path": "/true_weights", "required": false, "kinds": ["float"], "shape": ["d"],
     "description": "true alpha_j per feature column (toy data only; 0 for noise and spurious columns)"},
    {"path": "/frame", "required": false, "kinds": ["int", "uint"], "shape": ["N"],
     "description": "trajectory frame (timestep) of the row"},
    {"path": "/particle_id", "required": false, "kinds": ["int", "uint"], "shape": ["N"],
     "description": "particle id in the simulation"},
    {"path": "/species", "required": false, "kinds": ["int", "uint"], "shape": ["N"],
     "description": "particle species (type)"},
    {"path": "/balanced", "required": false, "kinds": ["int", "uint"], "shape": ["N"], "values": [0, 1],
     "description": "1 = row of the balanced training sample (featurize --balance); 0 = natural population only. diagnose trains on split 0 and balanced 1, and estimates P(R|S,T) on every test row"}
  ],
  "groups": [
    {"path": "/results", "required": false,
     "description": "one subgroup per diagnostic run, written by softness; never modifies the datasets above"}
  ]
}
"""#
}

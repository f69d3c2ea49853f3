/// Errors thrown by the `Structure` module.
///
/// Every failure mode of the public API is a case of this enum; nothing in the module
/// traps on bad input data.
public enum StructureError: Error, Equatable, CustomStringConvertible {
    /// A box edge length (lx, ly or lz) is not finite and strictly positive.
    case invalidBoxLength(axis: Int, value: Double)
    /// A box origin, tilt factor or edge-vector component is not finite.
    case nonFiniteBoxParameter(String)
    /// The LAMMPS bounds rows or the H5MD edge description do not have the expected shape.
    case malformedBoxDescription(String)
    /// The edge vectors are not in the LAMMPS restricted-triclinic form
    /// (a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)); rotate the frame first.
    case edgeVectorsNotLammpsForm(String)
    /// A cutoff is not finite and strictly positive.
    case invalidCutoff(Double)
    /// The cutoff is not below half the smallest perpendicular width of the box along a
    /// periodic axis, so the minimum-image convention would miss or double-count images.
    case cutoffTooLargeForBox(cutoff: Double, halfMinimumWidth: Double)
    /// A structure function's cutoff (named: radial or angular, with where it comes from) is not
    /// below half the smallest perpendicular width of the box.
    case functionCutoffTooLargeForBox(name: String, cutoff: Double, halfMinimumWidth: Double)
    /// Two arrays that must have equal length do not.
    case lengthMismatch(String, expected: Int, actual: Int)
    /// A position (or other input value) is NaN or infinite.
    case nonFiniteInput(String, index: Int)
    /// A particle index (e.g. in the `particles` subset) is out of range.
    case indexOutOfRange(Int, count: Int)
    /// A particle's species is not in the parameter set's species list.
    case unknownSpecies(Int, particle: Int)
    /// A structure-function or p_hop/labelling parameter is invalid.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case let .invalidBoxLength(axis, value):
            return "box edge length along axis \(axis) must be finite and > 0, got \(value)"
        case let .nonFiniteBoxParameter(what):
            return "box parameter \(what) is not finite"
        case let .malformedBoxDescription(what):
            return "malformed box description: \(what)"
        case let .edgeVectorsNotLammpsForm(what):
            return "edge vectors are not in LAMMPS restricted triclinic form: \(what)"
        case let .invalidCutoff(value):
            return "cutoff must be finite and > 0, got \(value)"
        case let .cutoffTooLargeForBox(cutoff, half):
            return "cutoff \(cutoff) is not below half the minimum perpendicular box width (\(half))"
        case let .functionCutoffTooLargeForBox(name, cutoff, half):
            return String(format: "the %@ %.4g is not below half the minimum perpendicular box width (%.4g)", name, cutoff, half)
        case let .lengthMismatch(what, expected, actual):
            return "\(what): expected \(expected) entries, got \(actual)"
        case let .nonFiniteInput(what, index):
            return "\(what) at index \(index) is not finite"
        case let .indexOutOfRange(index, count):
            return "particle index \(index) is out of range 0..<\(count)"
        case let .unknownSpecies(species, particle):
            return "species \(species) of particle \(particle) is not in the parameter species list"
        case let .invalidParameter(what):
            return "invalid parameter: \(what)"
        }
    }
}

// Errors of the toy-model generator (paper Sec. II, Appendix A).

import Foundation

/// Why a toy configuration was rejected or a toy data set could not be generated.
///
/// `description` is written for the person running the experiment: it names the offending value
/// and says what to change.
public enum ToyModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `relevantDimensions` < 1: Eq. 3 needs at least one x_j with α_j ≠ 0.
    case invalidRelevantDimensions(Int)
    /// `noiseDimensions` < 0 (or absurdly large).
    case invalidNoiseDimensions(Int)
    /// α is NaN or infinite.
    case invalidAlpha(Double)
    /// The temperature list is empty.
    case emptyTemperatureList
    /// A temperature is ≤ 0, NaN or infinite (Eq. 4 divides by T).
    case invalidTemperature(Double)
    /// A temperature appears twice in `temperatures` or in `trainingTemperatures`.
    case duplicateTemperature(Double)
    /// A training temperature is not (exactly) one of `temperatures`.
    case trainingTemperatureNotInList(Double, available: [Double])
    /// A row count is negative.
    case negativeRowCount(name: String, value: Int)
    /// The configuration produces no rows at all.
    case noRows(trainingRows: Int, trainingTemperatureCount: Int, testRows: Int)
    /// The total row count does not fit in `Int`.
    case tooManyRows
    /// `threads` < 1.
    case invalidThreadCount(Int)
    /// `nextBlock(maxRows:)` was called with maxRows < 1.
    case invalidBlockSize(Int)
    /// Positive variant (Appendix A): the candidate cap was reached before one class filled its
    /// quota at this temperature and split. `acceptanceRate` = accepted / candidates of the scarce
    /// class (`label` = +1 rearranging, −1 not rearranging).
    case acceptanceCapExceeded(
        temperature: Double, split: UInt8, label: Int8,
        accepted: Int, needed: Int, candidates: Int, acceptanceRate: Double)

    /// A message for the person running the experiment: what is wrong and what to change.
    public var description: String {
        switch self {
        case .invalidRelevantDimensions(let n):
            return "toy model: relevantDimensions = \(n), but ΔE = Σ α_j x_j (paper Eq. 3) needs at least 1 relevant dimension; the paper uses 10."
        case .invalidNoiseDimensions(let n):
            return "toy model: noiseDimensions = \(n) is not allowed; use 0 or more (the paper's symmetric model uses 4, the spurious model 0)."
        case .invalidAlpha(let a):
            return "toy model: alpha = \(a) is not a finite number; the paper uses α = 1.2."
        case .emptyTemperatureList:
            return "toy model: the temperature list is empty; give at least one T > 0 (the paper uses 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0)."
        case .invalidTemperature(let t):
            return "toy model: temperature T = \(t) is invalid; P(R=+1) = e^{-ΔE/T}/(1+e^{-ΔE/T}) (paper Eq. 4) needs a finite T > 0."
        case .duplicateTemperature(let t):
            return "toy model: temperature T = \(t) is listed twice; list each temperature once."
        case .trainingTemperatureNotInList(let t, let available):
            let list = available.map { String($0) }.joined(separator: ", ")
            return "toy model: training temperature T = \(t) is not one of the temperatures [\(list)]; add it to the temperature list or pick one of those values exactly."
        case .negativeRowCount(let name, let value):
            return "toy model: \(name) = \(value) is negative; row counts must be 0 or more."
        case .noRows(let trainingRows, let trainingTemperatureCount, let testRows):
            return "toy model: nothing to generate (trainingRows = \(trainingRows) at \(trainingTemperatureCount) training temperature(s), testRows = \(testRows)); ask for at least one row."
        case .tooManyRows:
            return "toy model: the total number of rows overflows a 64-bit integer; reduce trainingRows, testRows or the number of temperatures."
        case .invalidThreadCount(let n):
            return "toy model: threads = \(n); use 1 or more threads."
        case .invalidBlockSize(let n):
            return "toy model: block size maxRows = \(n); ask for at least 1 row per block."
        case .acceptanceCapExceeded(let t, let split, let label, let accepted, let needed, let candidates, let rate):
            let splitName = split == 0 ? "training" : "test"
            let className = label == 1 ? "rearranging (R = +1)" : "non-rearranging (R = -1)"
            let rateText = String(format: "%.3g", rate)
            return "toy model, positive variant: at T = \(t) (\(splitName) rows) only \(accepted) of the \(needed) \(className) rows needed were found in \(candidates) candidate draws (acceptance rate \(rateText) per candidate), and the candidate cap (10^4 per row wanted + 10^6) was reached. With barriers shifted to 2 sd above zero, rearrangements become exponentially rare as T decreases: raise the lowest temperature, ask for fewer rows at this temperature, or reduce α."
        }
    }
}

import Foundation
import Learning
import SeededRandom

/// One reference fit written by tools/make_sklearn_fixtures.py.
struct SklearnFit: Decodable {
    let dataset: String
    let columns: [Int]?
    let model: String
    let loss: String
    let C: Double?
    let sklearn: String
    let coef: [Double]
    let intercept: Double
    let n_iter: Int
    let objective: Double
    let log_likelihood: Double?
}

struct SklearnFixtures: Decodable {
    let sklearn_version: String
    let numpy_version: String
    let fits: [SklearnFit]
}

enum FixtureError: Error { case missing(String), malformed(String) }

enum Fixtures {
    static func url(_ name: String, _ ext: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures") else {
            throw FixtureError.missing("\(name).\(ext)")
        }
        return url
    }

    static func fits() throws -> SklearnFixtures {
        let data = try Data(contentsOf: try url("sklearn_fits", "json"))
        return try JSONDecoder().decode(SklearnFixtures.self, from: data)
    }

    /// Reads `label,x1,...,xd` CSV: returns (x, labels).
    static func dataset(_ name: String) throws -> (x: DenseMatrix, labels: [Double]) {
        let text = try String(contentsOf: try url(name, "csv"), encoding: .utf8)
        var labels: [Double] = []
        var values: [Double] = []
        var columns = -1
        for (lineNumber, line) in text.split(separator: "\n").enumerated() where lineNumber > 0 {
            let fields = line.split(separator: ",")
            guard let label = Double(fields[0]) else { throw FixtureError.malformed("\(name) line \(lineNumber)") }
            labels.append(label)
            for field in fields.dropFirst() {
                guard let v = Double(field) else { throw FixtureError.malformed("\(name) line \(lineNumber)") }
                values.append(v)
            }
            if columns < 0 { columns = fields.count - 1 }
        }
        return (try DenseMatrix(rows: labels.count, columns: columns, values: values), labels)
    }
}

/// Deterministic test data: the project's SplitMix64 + Box–Muller.
typealias TestRandom = SplitMix64

extension SplitMix64 {
    mutating func nextUInt64() -> UInt64 { next() }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// The paper's toy model (Sec. II): x ~ N(0,1)^d, ΔE = 1.2·Σ_{j<10} x_j, P(+1) = 1/(1+e^{ΔE/T}).
func toyData(rows: Int, columns: Int = 14, temperature: Double = 0.4, seed: UInt64) throws -> (x: DenseMatrix, labels: [Double]) {
    var rng = TestRandom(seed: seed)
    var values = [Double](repeating: 0, count: rows * columns)
    var labels = [Double](repeating: 0, count: rows)
    for i in 0..<rows {
        var barrier = 0.0
        for j in 0..<columns {
            let v = rng.normal()
            values[i * columns + j] = v
            if j < 10 { barrier += 1.2 * v }
        }
        labels[i] = rng.uniform() < 1 / (1 + exp(barrier / temperature)) ? 1 : -1
    }
    return (try DenseMatrix(rows: rows, columns: columns, values: values), labels)
}

/// max_j |a_j − b_j| / max(|b_j|, floor/relative) style check: every component within
/// `relative`·|b_j| or `absolute`.
func componentsClose(_ a: [Double], _ b: [Double], relative: Double, absolute: Double) -> Bool {
    guard a.count == b.count else { return false }
    for j in 0..<a.count where abs(a[j] - b[j]) > max(relative * abs(b[j]), absolute) { return false }
    return true
}

func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    var worst = 0.0
    for j in 0..<min(a.count, b.count) { worst = max(worst, abs(a[j] - b[j]) / max(abs(b[j]), 1e-300)) }
    return worst
}

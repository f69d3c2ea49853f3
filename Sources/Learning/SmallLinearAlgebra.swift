/// Small dense linear algebra on row-major `n × n` matrices (n = number of features + 1,
/// at most a few hundred): Cholesky factorization and solves, matrix–vector products.

/// In-place Cholesky factorization A = L·Lᵀ of a symmetric positive definite row-major matrix.
/// Only the lower triangle (plus diagonal) of `a` is read; on success it holds L.
/// Returns false if a pivot is not positive, or not above `relativePivotTolerance` times the
/// original diagonal entry (matrix not numerically positive definite).
func choleskyFactorize(_ a: inout [Double], size n: Int, relativePivotTolerance: Double = 0) -> Bool {
    a.withUnsafeMutableBufferPointer { m in
        for j in 0..<n {
            let original = m[j * n + j]
            var diagonal = original
            for k in 0..<j { diagonal -= m[j * n + k] * m[j * n + k] }
            guard diagonal > relativePivotTolerance * abs(original), diagonal > 0, diagonal.isFinite else {
                return false
            }
            let ljj = diagonal.squareRoot()
            m[j * n + j] = ljj
            for i in (j + 1)..<max(n, j + 1) {
                var s = m[i * n + j]
                for k in 0..<j { s -= m[i * n + k] * m[j * n + k] }
                m[i * n + j] = s / ljj
            }
        }
        return true
    }
}

/// Solves L·Lᵀ x = b given the Cholesky factor from `choleskyFactorize`.
func choleskySolve(_ l: [Double], size n: Int, _ b: [Double]) -> [Double] {
    var x = b
    l.withUnsafeBufferPointer { m in
        x.withUnsafeMutableBufferPointer { v in
            for i in 0..<n {  // forward: L y = b
                var s = v[i]
                for k in 0..<i { s -= m[i * n + k] * v[k] }
                v[i] = s / m[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {  // backward: Lᵀ x = y
                var s = v[i]
                for k in (i + 1)..<max(n, i + 1) { s -= m[k * n + i] * v[k] }
                v[i] = s / m[i * n + i]
            }
        }
    }
    return x
}

/// y = A·x for a row-major n × n matrix.
func symmetricMultiply(_ a: [Double], size n: Int, _ x: [Double]) -> [Double] {
    var y = [Double](repeating: 0, count: n)
    a.withUnsafeBufferPointer { m in
        for i in 0..<n {
            var s = 0.0
            for k in 0..<n { s += m[i * n + k] * x[k] }
            y[i] = s
        }
    }
    return y
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
    return s
}

@inline(__always)
func euclideanNorm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

import Structure

extension SimulationBox {
    /// Builds a box from the numbers of a LAMMPS dump header.
    ///
    /// `rows` are the three lines after `ITEM: BOX BOUNDS`, each with two numbers
    /// (orthogonal: `xlo xhi`, `ylo yhi`, `zlo zhi`) or three numbers
    /// (triclinic, `ITEM: BOX BOUNDS xy xz yz`: `xlo_bound xhi_bound xy`,
    /// `ylo_bound yhi_bound xz`, `zlo_bound zhi_bound yz`). For triclinic boxes the bounding
    /// box is converted back to the cell as the LAMMPS `dump` documentation prescribes:
    ///
    ///     xlo = xlo_bound − min(0, xy, xz, xy + xz),  xhi = xhi_bound − max(0, xy, xz, xy + xz)
    ///     ylo = ylo_bound − min(0, yz),               yhi = yhi_bound − max(0, yz)
    ///     zlo = zlo_bound,                            zhi = zhi_bound
    ///
    /// `periodic` should mirror the `pp pp pp` boundary flags of the header.
    /// - Throws: `.malformedBoxDescription` for the wrong shape, plus the errors of
    ///   `init(lengths:origin:tilts:periodic:)`.
    public init(lammpsBounds rows: [[Double]], periodic: Periodicity = .all) throws {
        guard rows.count == 3 else {
            throw StructureError.malformedBoxDescription("expected 3 bounds rows, got \(rows.count)")
        }
        let widths = rows.map(\.count)
        let triclinic: Bool
        if widths == [2, 2, 2] {
            triclinic = false
        } else if widths == [3, 3, 3] {
            triclinic = true
        } else {
            throw StructureError.malformedBoxDescription("bounds rows must all have 2 or all have 3 numbers, got \(widths)")
        }
        for (r, row) in rows.enumerated() {
            for (c, v) in row.enumerated() where !v.isFinite {
                throw StructureError.nonFiniteBoxParameter("bounds row \(r) column \(c)")
            }
        }
        var xlo = rows[0][0], xhi = rows[0][1]
        var ylo = rows[1][0], yhi = rows[1][1]
        let zlo = rows[2][0], zhi = rows[2][1]
        var tilt = SIMD3<Double>.zero
        if triclinic {
            let xy = rows[0][2], xz = rows[1][2], yz = rows[2][2]
            tilt = SIMD3(xy, xz, yz)
            xlo -= Swift.min(0, xy, xz, xy + xz)
            xhi -= Swift.max(0, xy, xz, xy + xz)
            ylo -= Swift.min(0, yz)
            yhi -= Swift.max(0, yz)
        }
        try self.init(lengths: SIMD3(xhi - xlo, yhi - ylo, zhi - zlo),
                      origin: SIMD3(xlo, ylo, zlo), tilts: tilt, periodic: periodic)
    }
}

extension SimulationBox {
    /// The box of a LAMMPS dump header `ITEM: BOX BOUNDS xy xz yz …`, whose three lines are
    /// `xlo_bound xhi_bound xy`, `ylo_bound yhi_bound xz`, `zlo_bound zhi_bound yz`.
    ///
    /// The bounds of a triclinic dump are those of the orthogonal bounding box of the tilted
    /// cell; following the LAMMPS `dump` documentation (https://docs.lammps.org/dump.html,
    /// "triclinic" box output and https://docs.lammps.org/Howto_triclinic.html) they convert back as
    ///
    ///     xlo = xlo_bound − min(0, xy, xz, xy+xz)     xhi = xhi_bound − max(0, xy, xz, xy+xz)
    ///     ylo = ylo_bound − min(0, yz)                yhi = yhi_bound − max(0, yz)
    ///     zlo = zlo_bound                             zhi = zhi_bound
    ///
    /// giving `origin = (xlo, ylo, zlo)`, `a = (xhi−xlo, 0, 0)`, `b = (xy, yhi−ylo, 0)`,
    /// `c = (xz, yz, zhi−zlo)`. With zero tilts this is the orthogonal box `[lo, hi)`.
    ///
    /// - Parameters:
    ///   - lowBounds: `(xlo_bound, ylo_bound, zlo_bound)`, length units.
    ///   - highBounds: `(xhi_bound, yhi_bound, zhi_bound)`.
    ///   - tilts: `(xy, xz, yz)`, as in the dump (third value of each bounds line).
    ///   - periodic: periodicity (LAMMPS `pp` in the header means periodic).
    public init(lammpsLowBounds lowBounds: SIMD3<Double>, highBounds: SIMD3<Double>,
                tilts: SIMD3<Double>, periodic: BoxPeriodicity) {
        let xy = tilts.x, xz = tilts.y, yz = tilts.z
        let xlo = lowBounds.x - min(0, xy, xz, xy + xz)
        let xhi = highBounds.x - max(0, xy, xz, xy + xz)
        let ylo = lowBounds.y - min(0, yz)
        let yhi = highBounds.y - max(0, yz)
        let zlo = lowBounds.z
        let zhi = highBounds.z
        self.init(origin: SIMD3(xlo, ylo, zlo),
                  a: SIMD3(xhi - xlo, 0, 0),
                  b: SIMD3(xy, yhi - ylo, 0),
                  c: SIMD3(xz, yz, zhi - zlo),
                  periodic: periodic)
    }
}

/// How the columns of a LAMMPS `ITEM: ATOMS <columns>` header map onto a frame.
///
/// Recognised (https://docs.lammps.org/dump.html, `dump custom` attributes): `id`, `type`,
/// positions as one complete triple of `xu yu zu` (unwrapped), `xsu ysu zsu` (scaled unwrapped),
/// `x y z` (wrapped) or `xs ys zs` (scaled wrapped) — chosen in that order when several are
/// present — and image flags `ix iy iz`. All other columns are skipped without being parsed.
struct LAMMPSDumpColumns: Equatable {
    enum Role: UInt8 {
        case ignored = 0, id, type, x, y, z, imageX, imageY, imageZ
    }

    /// The column names as in the header.
    let names: [String]
    /// Role of each column.
    let roles: [UInt8]
    /// Positions are fractional (`xs…`, `xsu…`) and must be mapped through the box.
    let scaled: Bool
    /// Positions are unwrapped (`xu…`, `xsu…`).
    let unwrapped: Bool
    /// `ix iy iz` are present.
    let hasImages: Bool
    /// The position column names used, e.g. `xu yu zu`.
    let positionNames: [String]
    /// `type` is present; without it the dump is read as one species (type 1).
    var hasType = true

    private static let positionSets: [(names: [String], unwrapped: Bool, scaled: Bool)] = [
        (["xu", "yu", "zu"], true, false),
        (["xsu", "ysu", "zsu"], true, true),
        (["x", "y", "z"], false, false),
        (["xs", "ys", "zs"], false, true),
    ]

    /// Interprets the column names; throws a message (without file/line) when required columns are missing.
    static func parse(_ names: [String]) throws(LAMMPSColumnProblem) -> LAMMPSDumpColumns {
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
        let listed = names.isEmpty ? "(no columns)" : names.joined(separator: " ")
        guard let idColumn = index("id") else {
            throw LAMMPSColumnProblem(message: "ITEM: ATOMS has no `id` column (columns: \(listed)); dump with `dump custom … id type xu yu zu`")
        }
        // Without `type` (single-species dumps) every particle is species 1.
        let typeColumn = index("type")
        guard let set = positionSets.first(where: { set in set.names.allSatisfy { index($0) != nil } }) else {
            throw LAMMPSColumnProblem(message: "ITEM: ATOMS has no complete set of position columns (xu yu zu, xsu ysu zsu, x y z or xs ys zs); columns: \(listed)")
        }
        var roles = [UInt8](repeating: Role.ignored.rawValue, count: names.count)
        roles[idColumn] = Role.id.rawValue
        if let typeColumn { roles[typeColumn] = Role.type.rawValue }
        for (axis, name) in set.names.enumerated() {
            if let column = index(name) { roles[column] = Role.x.rawValue + UInt8(axis) }
        }
        let imageColumns = ["ix", "iy", "iz"].map(index)
        let imageCount = imageColumns.compactMap { $0 }.count
        if imageCount != 0 && imageCount != 3 {
            throw LAMMPSColumnProblem(message: "ITEM: ATOMS has only some of the image flags ix iy iz (columns: \(listed))")
        }
        if imageCount == 3 {
            for (axis, column) in imageColumns.enumerated() {
                if let column { roles[column] = Role.imageX.rawValue + UInt8(axis) }
            }
        }
        return LAMMPSDumpColumns(names: names, roles: roles, scaled: set.scaled, unwrapped: set.unwrapped,
                                 hasImages: imageCount == 3, positionNames: set.names, hasType: typeColumn != nil)
    }
}

/// Why an `ITEM: ATOMS` header cannot be used.
struct LAMMPSColumnProblem: Error {
    let message: String
}

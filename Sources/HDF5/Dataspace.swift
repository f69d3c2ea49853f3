import CHDF5

/// Helpers for dataspaces: the shape of a dataset and hyperslab row selections.
enum Dataspace {
    static func simple(_ shape: [Int], maxShape: [Int?]? = nil, site: CallSite) throws -> Handle {
        let dims = shape.map { hsize_t($0) }
        let id: hid_t
        if shape.isEmpty {
            id = try checked(site, "cannot create a scalar dataspace") { H5Screate(H5S_SCALAR) }
        } else if let maxShape {
            let maxDims = maxShape.map { $0.map { hsize_t($0) } ?? chdf5_s_unlimited() }
            id = try checked(site, "cannot create a dataspace of shape \(shape)") {
                H5Screate_simple(Int32(dims.count), dims, maxDims)
            }
        } else {
            id = try checked(site, "cannot create a dataspace of shape \(shape)") {
                H5Screate_simple(Int32(dims.count), dims, nil)
            }
        }
        return Handle(id, kind: .dataspace)
    }

    static func shape(of space: hid_t, site: CallSite) throws -> [Int] {
        let rank = try checked(site, "cannot read the dataspace rank") { H5Sget_simple_extent_ndims(space) }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        try checked(site, "cannot read the dataspace shape") { H5Sget_simple_extent_dims(space, &dims, nil) }
        return dims.map { Int($0) }
    }

    /// Selects rows `rows` (all trailing dimensions) of `space`.
    static func selectRows(_ space: hid_t, rows: Range<Int>, shape: [Int], site: CallSite) throws {
        var start = [hsize_t](repeating: 0, count: shape.count)
        var count = shape.map { hsize_t($0) }
        start[0] = hsize_t(rows.lowerBound)
        count[0] = hsize_t(rows.count)
        try checked(site, "cannot select rows \(rows)") {
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nil, count, nil)
        }
    }
}

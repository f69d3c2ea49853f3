import HDF5

/// The results-file convention (schemas/results-v2.md): every result dataset carries `units`
/// and a one-line `description` as attributes, so h5py and h5dump show what it holds.
///
/// Units written on result datasets. Energies and temperatures share one unit (k_B = 1), the
/// unit of the input's temperatures; softness is a distance in standardized feature space.
public enum ResultUnits {
    public static let none = "1"
    public static let temperature = "temperature units of the input (k_B = 1)"
    public static let energy = "energy in temperature units of the input (k_B = 1)"
    public static let softness = "standardized feature units (distance to the SVM hyperplane)"
    public static let logit = "1 (log-odds)"
    public static let logitPerSoftness = "1 / standardized feature units"
    public static let energySquared = "energy² in temperature units of the input (k_B = 1)"
    public static let rawFeature = "units of the input's features"
    public static let rows = "rows"
}

extension Group {
    /// Creates a result dataset with its `units` and a one-line `description` as attributes
    /// (h5py: `ds.attrs["units"]`, `ds.attrs["description"]`).
    @discardableResult
    public func result<T: HDF5Scalar>(_ path: String, _ values: [T], shape: [Int]? = nil, units: String, _ description: String,
                               options: DatasetOptions = .contiguous) throws -> Dataset {
        let dataset = try createDataset(path, values: values, shape: shape, options: options)
        try dataset.setAttribute("units", .string(units))
        try dataset.setAttribute("description", .string(description))
        return dataset
    }

    /// Creates an empty, appendable (row-chunked, deflated) result dataset stored as `T`, with
    /// its `units` and `description`; rows are added with `Dataset.append`.
    @discardableResult
    public func appendableResult<T: HDF5Scalar>(_ path: String, of type: T.Type, units: String, _ description: String) throws -> Dataset {
        let dataset = try createDataset(path, of: type, shape: [0], options: .rowChunked(1 << 14, deflateLevel: 1))
        try dataset.setAttribute("units", .string(units))
        try dataset.setAttribute("description", .string(description))
        return dataset
    }

    /// Creates a string result dataset with a one-line `description`.
    @discardableResult
    public func result(_ path: String, strings: [String], _ description: String) throws -> Dataset {
        let dataset = try createStringDataset(path, values: strings)
        try dataset.setAttribute("units", .string(ResultUnits.none))
        try dataset.setAttribute("description", .string(description))
        return dataset
    }
}

import HDF5

/// An H5MD element (https://www.nongnu.org/h5md/h5md.html#time-dependent-data): either a
/// time-independent dataset, or a time-dependent group with `value` (first dimension = samples),
/// `step` and optional `time`. `step`/`time` may be 1-D datasets or, since H5MD 1.1, scalars
/// giving the sampling interval, with an optional `offset` attribute for the first sample.
struct H5MDElement {
    /// The data: the dataset itself, or the `value` dataset of a time-dependent group.
    let data: Dataset
    /// Path of the element (the group, or the dataset) inside the file.
    let path: String
    /// Shape of `data`.
    let shape: [Int]
    /// Whether the element is a time-dependent group.
    let timeDependent: Bool
    /// Step of each sample (time-dependent elements; nil when the group has no `step`).
    let steps: [Int]?
    /// Time of each sample, when stored.
    let times: [Double]?
    private let rowOfStep: [Int: Int]

    /// Shape of one sample (the shape without the time dimension for time-dependent elements).
    var sampleShape: [Int] { timeDependent ? Array(shape.dropFirst()) : shape }
    /// Number of samples (1 for time-independent data).
    var sampleCount: Int { timeDependent ? (shape.first ?? 0) : 1 }

    /// Opens the element `name` of `group`; nil when it does not exist.
    static func open(_ group: Group, _ name: String) throws -> H5MDElement? {
        guard group.contains(name) else { return nil }
        let path = group.objectPath == "/" ? "/" + name : group.objectPath + "/" + name
        if group.isDataset(name) {
            let data = try group.dataset(name)
            return H5MDElement(data: data, path: path, shape: try data.shape(), timeDependent: false, steps: nil, times: nil)
        }
        let element = try group.group(name)
        guard element.isDataset("value") else {
            throw TrajectoryError(.missingObject, file: group.filePath, object: path + "/value",
                                  message: "the time-dependent element has no 'value' dataset")
        }
        let data = try element.dataset("value")
        let shape = try data.shape()
        guard let samples = shape.first else {
            throw TrajectoryError(.wrongShape, file: group.filePath, object: path + "/value",
                                  message: "is a scalar; a time-dependent value needs a first (time) dimension")
        }
        let steps: [Int]? = try samplePoints(element, "step", count: samples) { $0.integerValue }
        let times: [Double]? = try samplePoints(element, "time", count: samples) { $0.realValue }
        return H5MDElement(data: data, path: path, shape: shape, timeDependent: true, steps: steps, times: times)
    }

    private init(data: Dataset, path: String, shape: [Int], timeDependent: Bool, steps: [Int]?, times: [Double]?) {
        self.data = data
        self.path = path
        self.shape = shape
        self.timeDependent = timeDependent
        self.steps = steps
        self.times = times
        var rowOfStep: [Int: Int] = [:]
        if let steps {
            for (row, step) in steps.enumerated() where rowOfStep[step] == nil { rowOfStep[step] = row }
        }
        self.rowOfStep = rowOfStep
    }

    /// Reads `step` or `time`: a 1-D dataset with one entry per sample, or a scalar interval
    /// (H5MD 1.1) with the optional `offset` attribute: point i = offset + i · interval.
    private static func samplePoints<T: HDF5Scalar & Numeric>(
        _ element: Group, _ name: String, count: Int, offsetValue: (AttributeValue) -> T?
    ) throws -> [T]? {
        guard element.isDataset(name) else { return nil }
        let dataset = try element.dataset(name)
        let shape = try dataset.shape()
        let object = element.objectPath + "/" + name
        if shape.isEmpty {
            let interval: T = try dataset.readScalar()
            var offset: T = 0
            if let attribute = try dataset.attribute("offset") {
                guard let value = offsetValue(attribute) else {
                    throw TrajectoryError(.wrongShape, file: element.filePath, object: object + " attribute 'offset'",
                                          message: "is '\(attribute)', not a number")
                }
                offset = value
            }
            var points: [T] = []
            points.reserveCapacity(count)
            var current = offset
            for _ in 0..<count {
                points.append(current)
                current += interval
            }
            return points
        }
        guard shape.count == 1, shape[0] >= count else {
            throw TrajectoryError(.wrongShape, file: element.filePath, object: object,
                                  message: "has shape \(shape); expected [\(count)] (one entry per sample of 'value') or a scalar interval")
        }
        return Array(try dataset.read(as: T.self).prefix(count))
    }

    /// The sample of this element that belongs to position frame `frame` at step `step`: the same
    /// index when the steps agree (hard-linked, as H5MD requires for `box` and `image`), otherwise
    /// the sample with the same step.
    func row(frame: Int, step: Int) throws -> Int {
        guard timeDependent else { return 0 }
        if let steps {
            if frame < steps.count, steps[frame] == step { return frame }
            if let row = rowOfStep[step] { return row }
            throw TrajectoryError(.missingObject, file: data.filePath, object: path, frame: frame, timestep: step,
                                  message: "has no sample at step \(step) (frame \(frame) of the positions)")
        }
        guard frame < sampleCount else {
            throw TrajectoryError(.wrongShape, file: data.filePath, object: path, frame: frame, timestep: step,
                                  message: "has \(sampleCount) samples and no 'step' dataset; frame \(frame) has no sample")
        }
        return frame
    }

    /// Reads the sample for `frame` (one row of `value` — a hyperslab — or the whole fixed dataset).
    func read<T: HDF5Scalar>(frame: Int, step: Int, as type: T.Type) throws -> [T] {
        if !timeDependent { return try data.read(as: T.self) }
        let row = try row(frame: frame, step: step)
        return try data.readRows(row..<(row + 1), as: T.self)
    }
}

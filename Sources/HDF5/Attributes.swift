import CHDF5

/// The value of an HDF5 attribute: a number, a string, or a one-dimensional array of them.
/// Integers are stored as int64, reals as float64 and strings as variable-length UTF-8, so
/// h5py shows them as `numpy.int64`, `numpy.float64` and `str`.
public enum AttributeValue: Equatable, Sendable, CustomStringConvertible {
    case integer(Int)
    case real(Double)
    case string(String)
    case integers([Int])
    case reals([Double])
    case strings([String])

    public var description: String {
        switch self {
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .string(let v): return v
        case .integers(let v): return v.description
        case .reals(let v): return v.description
        case .strings(let v): return v.description
        }
    }

    /// The value as an integer if it is one (a real with an integral value also qualifies).
    public var integerValue: Int? {
        switch self {
        case .integer(let v): return v
        case .integers(let v) where v.count == 1: return v[0]
        case .real(let v) where v.rounded() == v && abs(v) < 9e15: return Int(v)
        default: return nil
        }
    }

    /// The value as a real number if it is numeric and scalar.
    public var realValue: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .reals(let v) where v.count == 1: return v[0]
        default: return nil
        }
    }

    /// The value as a string if it is one.
    public var stringValue: String? {
        switch self {
        case .string(let v): return v
        case .strings(let v) where v.count == 1: return v[0]
        default: return nil
        }
    }
}

/// Objects that carry attributes: groups (and files) and datasets — h5py's `obj.attrs`.
public protocol AttributeHolder {
    /// libhdf5 id of the object and where it is, for error messages.
    var attributeLocation: (id: hid_t, file: String, object: String) { get }
}

extension AttributeHolder {
    private var site: CallSite { CallSite(file: attributeLocation.file, object: attributeLocation.object) }

    /// Names of all attributes, in name order.
    public func attributeNames() throws -> [String] {
        let id = attributeLocation.id
        var info = H5O_info_t()
        try checked(site, "cannot read object info") { H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)) }
        var names: [String] = []
        for index in 0..<info.num_attrs {
            let length = try checked(site, "cannot read attribute name") {
                H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_p_default())
            }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try checked(site, "cannot read attribute name") {
                H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, chdf5_p_default())
            }
            names.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// Whether an attribute called `name` exists.
    public func hasAttribute(_ name: String) -> Bool {
        ErrorStack.silence()
        let result = H5Aexists(attributeLocation.id, name)
        if result < 0 { _ = ErrorStack.collect() }
        return result > 0
    }

    /// Writes (or replaces) the attribute `name`.
    public func setAttribute(_ name: String, _ value: AttributeValue) throws {
        let id = attributeLocation.id
        let site = CallSite(file: attributeLocation.file, object: attributeLocation.object + " attribute '\(name)'")
        if hasAttribute(name) {
            try checked(site, "cannot replace the attribute") { H5Adelete(id, name) }
        }
        func create(_ type: hid_t, _ shape: [Int]) throws -> Handle {
            let space = try Dataspace.simple(shape, site: site)
            let attribute = try checked(site, "cannot create the attribute") {
                H5Acreate2(id, name, type, space.id, chdf5_p_default(), chdf5_p_default())
            }
            return Handle(attribute, kind: .attribute)
        }
        func writeNumbers<T: HDF5Scalar>(_ values: [T], scalar: Bool) throws {
            let attribute = try create(T.nativeType, scalar ? [] : [values.count])
            _ = try values.withUnsafeBufferPointer { buffer in
                try checked(site, "cannot write the attribute") { H5Awrite(attribute.id, T.nativeType, buffer.baseAddress) }
            }
        }
        func writeStrings(_ values: [String], scalar: Bool) throws {
            let type = try StringCoding.variableUTF8(site)
            let attribute = try create(type.id, scalar ? [] : [values.count])
            _ = try StringCoding.withCStrings(values) { pointers in
                try checked(site, "cannot write the attribute") { H5Awrite(attribute.id, type.id, pointers) }
            }
        }
        switch value {
        case .integer(let v): try writeNumbers([v], scalar: true)
        case .real(let v): try writeNumbers([v], scalar: true)
        case .string(let v): try writeStrings([v], scalar: true)
        case .integers(let v): try writeNumbers(v, scalar: false)
        case .reals(let v): try writeNumbers(v, scalar: false)
        case .strings(let v): try writeStrings(v, scalar: false)
        }
    }

    /// Reads the attribute `name`, or nil if it does not exist. Integer attributes of any width
    /// read as `.integer(s)`, floating-point as `.real(s)`, strings (fixed or variable) as `.string(s)`.
    public func attribute(_ name: String) throws -> AttributeValue? {
        guard hasAttribute(name) else { return nil }
        let site = CallSite(file: attributeLocation.file, object: attributeLocation.object + " attribute '\(name)'")
        let attribute = Handle(try checked(site, "cannot open the attribute") { H5Aopen(attributeLocation.id, name, chdf5_p_default()) }, kind: .attribute)
        let type = Handle(try checked(site, "cannot read the attribute type") { H5Aget_type(attribute.id) }, kind: .datatype)
        let space = Handle(try checked(site, "cannot read the attribute space") { H5Aget_space(attribute.id) }, kind: .dataspace)
        let shape = try Dataspace.shape(of: space.id, site: site)
        let count = shape.reduce(1, *)
        let scalar = shape.isEmpty
        switch ElementType.of(datatype: type.id) {
        case .float:
            var values = [Double](repeating: 0, count: count)
            try checked(site, "cannot read the attribute") { H5Aread(attribute.id, Double.nativeType, &values) }
            return scalar ? .real(values[0]) : .reals(values)
        case .signedInteger, .unsignedInteger:
            var values = [Int](repeating: 0, count: count)
            try checked(site, "cannot read the attribute") { H5Aread(attribute.id, Int.nativeType, &values) }
            return scalar ? .integer(values[0]) : .integers(values)
        case .string:
            let values = try StringCoding.read(count: count, fileType: type.id, site: site) { memoryType, buffer in
                H5Aread(attribute.id, memoryType, buffer)
            }
            return scalar ? .string(values[0]) : .strings(values)
        case .other(let kind):
            throw HDF5Error(.typeMismatch, file: site.file, object: site.object, message: "has an unsupported type (\(kind))")
        }
    }
}

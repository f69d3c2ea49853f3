import CHDF5

/// The numeric element types this layer reads and writes, with their native HDF5 memory type.
/// Row-major (C) order throughout, as h5py and numpy.
public protocol HDF5Scalar: Sendable {
    /// The HDF5 native type describing this Swift type in memory.
    static var nativeType: hid_t { get }
    /// The element kind used when this type is the storage type of a new dataset.
    static var elementType: ElementType { get }
}

/// Kind and size of a dataset's stored elements, as reported for `inspect` and used for checks.
public enum ElementType: Equatable, Sendable, CustomStringConvertible {
    case float(bytes: Int)
    case signedInteger(bytes: Int)
    case unsignedInteger(bytes: Int)
    case string(variableLength: Bool)
    case other(String)

    public var isFloatingPoint: Bool { if case .float = self { return true } else { return false } }
    public var isInteger: Bool {
        switch self {
        case .signedInteger, .unsignedInteger: return true
        default: return false
        }
    }
    public var isString: Bool { if case .string = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .float(let b): return "float\(b * 8)"
        case .signedInteger(let b): return "int\(b * 8)"
        case .unsignedInteger(let b): return "uint\(b * 8)"
        case .string(let variable): return variable ? "string (variable length)" : "string (fixed length)"
        case .other(let name): return name
        }
    }

    /// Classifies a file or memory datatype id.
    static func of(datatype id: hid_t) -> ElementType {
        let size = H5Tget_size(id)
        switch H5Tget_class(id) {
        case H5T_FLOAT: return .float(bytes: size)
        case H5T_INTEGER:
            return H5Tget_sign(id) == H5T_SGN_NONE ? .unsignedInteger(bytes: size) : .signedInteger(bytes: size)
        case H5T_STRING: return .string(variableLength: H5Tis_variable_str(id) > 0)
        case H5T_ENUM: return .other("enum")
        case H5T_COMPOUND: return .other("compound")
        default: return .other("unsupported class")
        }
    }
}

extension Float: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_float() }
    public static var elementType: ElementType { .float(bytes: 4) }
}
extension Double: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_double() }
    public static var elementType: ElementType { .float(bytes: 8) }
}
extension Int8: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_int8() }
    public static var elementType: ElementType { .signedInteger(bytes: 1) }
}
extension Int16: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_int16() }
    public static var elementType: ElementType { .signedInteger(bytes: 2) }
}
extension Int32: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_int32() }
    public static var elementType: ElementType { .signedInteger(bytes: 4) }
}
extension Int64: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_int64() }
    public static var elementType: ElementType { .signedInteger(bytes: 8) }
}
extension Int: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_int64() }
    public static var elementType: ElementType { .signedInteger(bytes: 8) }
}
extension UInt8: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_uint8() }
    public static var elementType: ElementType { .unsignedInteger(bytes: 1) }
}
extension UInt16: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_uint16() }
    public static var elementType: ElementType { .unsignedInteger(bytes: 2) }
}
extension UInt32: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_uint32() }
    public static var elementType: ElementType { .unsignedInteger(bytes: 4) }
}
extension UInt64: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_t_native_uint64() }
    public static var elementType: ElementType { .unsignedInteger(bytes: 8) }
}

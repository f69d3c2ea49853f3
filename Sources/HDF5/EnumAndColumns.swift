import CHDF5
import Foundation

/// One member of an HDF5 enumeration type (h5py writes numpy bool as the enum FALSE = 0, TRUE = 1 of int8).
public struct EnumMember: Sendable, Equatable {
    public var name: String
    public var value: Int64
    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}

extension Dataset {
    private func withFileType<R>(_ body: (hid_t) throws -> R) throws -> R {
        let type = Handle(try checked(site(), "cannot read the datatype") { H5Dget_type(handle.id) }, kind: .datatype)
        return try body(type.id)
    }

    /// The members of the dataset's enumeration type with their integer values, nil when the
    /// dataset does not hold an enum.
    public func enumMembers() throws -> [EnumMember]? {
        try withFileType { type in
            guard H5Tget_class(type) == H5T_ENUM else { return nil }
            let count = try checked(site(), "cannot count the enum members") { H5Tget_nmembers(type) }
            var members = [EnumMember]()
            for index in 0..<UInt32(count) {
                guard let cName = H5Tget_member_name(type, index) else {
                    throw HDF5Error(.library, file: filePath, object: objectPath, message: "cannot read the name of enum member \(index)")
                }
                let name = String(cString: cName)
                H5free_memory(cName)
                var value: Int64 = 0
                try checked(site(), "cannot read enum member '\(name)'") {
                    H5Tget_member_value(type, index, &value)
                }
                // The member value is stored in the enum's base type; widen it to Int64.
                let base = Handle(try checked(site(), "cannot read the enum base type") { H5Tget_super(type) }, kind: .datatype)
                members.append(EnumMember(name: name, value: Self.widen(&value, size: H5Tget_size(base.id), signed: H5Tget_sign(base.id) != H5T_SGN_NONE)))
            }
            return members
        }
    }

    /// Sign-extends (or zero-extends) the low `size` bytes of `raw` to Int64 (little- or big-endian host).
    private static func widen(_ raw: inout Int64, size: Int, signed: Bool) -> Int64 {
        withUnsafeBytes(of: &raw) { bytes in
            Self.integer(at: bytes.baseAddress!, size: size, signed: signed)
        }
    }

    private static func integer(at pointer: UnsafeRawPointer, size: Int, signed: Bool) -> Int64 {
        switch (size, signed) {
        case (1, true): return Int64(pointer.loadUnaligned(as: Int8.self))
        case (1, false): return Int64(pointer.loadUnaligned(as: UInt8.self))
        case (2, true): return Int64(pointer.loadUnaligned(as: Int16.self))
        case (2, false): return Int64(pointer.loadUnaligned(as: UInt16.self))
        case (4, true): return Int64(pointer.loadUnaligned(as: Int32.self))
        case (4, false): return Int64(pointer.loadUnaligned(as: UInt32.self))
        default: return pointer.loadUnaligned(as: Int64.self)
        }
    }

    /// Reads rows `rows` of an enum dataset as the members' integer values (an enum is not
    /// converted to an integer type by libhdf5, so it is read in its native enum type and widened).
    public func readEnumRows(_ rows: Range<Int>) throws -> [Int64] {
        try withFileType { fileType in
            guard H5Tget_class(fileType) == H5T_ENUM else {
                throw HDF5Error(.typeMismatch, file: filePath, object: objectPath, message: "does not hold an enum")
            }
            let shape = try shape(checkingRows: rows)
            let count = try allocatableCount([rows.count] + shape.dropFirst(), of: Int64.self)
            if count == 0 { return [] }
            let memoryType = Handle(try checked(site(), "cannot make the enum memory type") { H5Tget_native_type(fileType, H5T_DIR_DEFAULT) }, kind: .datatype)
            let base = Handle(try checked(site(), "cannot read the enum base type") { H5Tget_super(memoryType.id) }, kind: .datatype)
            let size = H5Tget_size(memoryType.id), signed = H5Tget_sign(base.id) != H5T_SGN_NONE
            var memoryShape = shape
            memoryShape[0] = rows.count
            let memorySpace = try Dataspace.simple(memoryShape, site: site())
            let fileSpace = Handle(try checked(site(), "cannot read the dataspace") { H5Dget_space(handle.id) }, kind: .dataspace)
            try Dataspace.selectRows(fileSpace.id, rows: rows, shape: shape, site: site())
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: count * size, alignment: 8)
            defer { raw.deallocate() }
            try checked(site(), "cannot read rows \(rows)") {
                H5Dread(handle.id, memoryType.id, memorySpace.id, fileSpace.id, chdf5_p_default(), raw.baseAddress)
            }
            return (0..<count).map { Self.integer(at: raw.baseAddress! + $0 * size, size: size, signed: signed) }
        }
    }

    /// Reads columns `columns` of a two-dimensional dataset, all of its rows: a [rows, columns.count]
    /// block in row-major order. Lets a [d, N] array be read N-slice by N-slice and transposed
    /// block by block, without a second whole copy.
    public func readColumns<T: HDF5Scalar>(_ columns: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        let shape = try shape()
        guard shape.count == 2 else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath, message: "has shape \(shape), expected two dimensions")
        }
        guard columns.lowerBound >= 0, columns.upperBound <= shape[1] else {
            throw HDF5Error(.shapeMismatch, file: filePath, object: objectPath,
                            message: "columns \(columns.lowerBound)..<\(columns.upperBound) are outside 0..<\(shape[1])")
        }
        let stored = try elementType()
        guard stored.isFloatingPoint || stored.isInteger else {
            throw HDF5Error(.typeMismatch, file: filePath, object: objectPath, message: "holds \(stored), not numbers")
        }
        let count = try allocatableCount([shape[0], columns.count], of: T.self)
        if count == 0 { return [] }
        let memorySpace = try Dataspace.simple([shape[0], columns.count], site: site())
        let fileSpace = Handle(try checked(site(), "cannot read the dataspace") { H5Dget_space(handle.id) }, kind: .dataspace)
        let start: [hsize_t] = [0, hsize_t(columns.lowerBound)]
        let extent: [hsize_t] = [hsize_t(shape[0]), hsize_t(columns.count)]
        try checked(site(), "cannot select columns \(columns)") {
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, extent, nil)
        }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            try checked(site(), "cannot read columns \(columns)") {
                H5Dread(handle.id, T.nativeType, memorySpace.id, fileSpace.id, chdf5_p_default(), buffer.baseAddress)
            }
            initialized = count
        }
    }
}

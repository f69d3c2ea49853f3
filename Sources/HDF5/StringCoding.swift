import CHDF5
import Foundation

/// Conversion between Swift strings and HDF5 string datatypes.
enum StringCoding {
    /// A variable-length UTF-8 string datatype (what h5py writes for `str`).
    static func variableUTF8(_ site: CallSite) throws -> Handle {
        let id = try checked(site, "cannot create a string type") { H5Tcopy(chdf5_t_c_s1()) }
        let type = Handle(id, kind: .datatype)
        try checked(site, "cannot make the string type variable-length") { H5Tset_size(id, chdf5_t_variable()) }
        try checked(site, "cannot set UTF-8 encoding") { H5Tset_cset(id, H5T_CSET_UTF8) }
        return type
    }

    /// Calls `body` with an array of NUL-terminated copies of `strings`, freed afterwards.
    static func withCStrings<R>(_ strings: [String], _ body: (UnsafeRawPointer) throws -> R) throws -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return try body(UnsafeRawPointer(bitPattern: 1)!) }
            return try body(UnsafeRawPointer(base))
        }
    }

    /// Reads `count` strings of the file string type `fileType` through `read(memoryType, buffer)`.
    static func read(count: Int, fileType: hid_t, site: CallSite, _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        // The file type itself is a valid memory type for strings; it avoids charset conversion.
        let memoryType = Handle(try checked(site, "cannot copy the string type") { H5Tcopy(fileType) }, kind: .datatype)
        if H5Tis_variable_str(fileType) > 0 {
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try pointers.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                try checked(site, "cannot read the strings") { read(memoryType.id, base) }
            }
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            for pointer in pointers where pointer != nil { H5free_memory(pointer) }
            return strings
        }
        let size = H5Tget_size(fileType)
        var bytes = [UInt8](repeating: 0, count: size * count)
        try bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            try checked(site, "cannot read the strings") { read(memoryType.id, base) }
        }
        return (0..<count).map { index in
            let slice = bytes[(index * size)..<((index + 1) * size)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: slice[slice.startIndex..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
    }
}

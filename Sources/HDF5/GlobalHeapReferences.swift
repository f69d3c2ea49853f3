import CHDF5
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks, from the file's own bytes, that the variable-length strings stored in an object's
/// attributes refer to objects their global heap collections really hold.
///
/// A variable-length string attribute stores, per element, its length and a global heap ID
/// (collection address, object index; HDF5 File Format Specification 3.0, §III.E and §IV.A.2.m).
/// libhdf5 1.10.8 follows an index beyond the collection's object table without checking it
/// (`H5HG_read`): depending on what lies in memory it returns garbage or crashes, so the probe
/// could read such a file without harm and the command that opened it next crashed. This check
/// parses the object header (version 1, with continuation blocks, as libhdf5 1.10 writes by
/// default) and each referenced collection, and refuses a reference that points outside the file,
/// to something that is not a collection, or to an index the collection does not hold. Layouts it
/// does not know (version-2 headers, shared datatypes, other offset sizes) are left to libhdf5.
struct GlobalHeapReferences {
    /// The file's bytes, read with `pread`.
    private let descriptor: Int32
    private let size: UInt64
    private let path: String
    /// The root group's object header, from the superblock's root symbol table entry.
    let rootHeader: UInt64

    /// Opens `path` read-only; nil when the file cannot be read or its superblock is not one this
    /// check knows (version 0 or 1, 8-byte offsets and lengths, base address 0).
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { Glibc.close(descriptor); return nil }
        self.descriptor = descriptor
        self.size = UInt64(status.st_size)
        self.path = path
        // The superblock at 0 (a user block moves it to 512, 1024, …: not handled). Version 0
        // holds the root group's symbol table entry at byte 56, version 1 at 60; the entry's
        // second field is the object header address.
        guard let superblock = Self.read(descriptor, size: size, at: 0, count: 80),
              Array(superblock.prefix(8)) == [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a],
              superblock[8] <= 1, superblock[13] == 8, superblock[14] == 8, Self.integer(superblock[24..<32]) == 0 else {
            Glibc.close(descriptor)
            return nil
        }
        let entry = superblock[8] == 0 ? 56 : 60
        rootHeader = Self.integer(superblock[(entry + 8)..<(entry + 16)])
    }

    func close() { Glibc.close(descriptor) }

    private func bytes(at offset: UInt64, count: Int) -> [UInt8]? { Self.read(descriptor, size: size, at: offset, count: count) }

    private static func read(_ descriptor: Int32, size: UInt64, at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        return read == count ? buffer : nil
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Throws `HDF5Error(.library)` naming the attribute when one of the object's variable-length
    /// string attributes refers to a heap object that is not there. `address` is the object
    /// header's (`rootHeader`, `Group.linkedHeaderAddress`), `object` its path for the message.
    func check(objectHeader address: UInt64, object: String) throws {
        for attribute in attributeMessages(objectHeader: address) {
            if let problem = attribute.problem {
                throw HDF5Error(.library, file: path, object: object, message: "damaged HDF5 file: attribute '\(attribute.name)': \(problem)")
            }
            for (collection, index, length) in attribute.references {
                if let problem = problem(collection: collection, index: index, length: length) {
                    throw HDF5Error(.library, file: path, object: object,
                                    message: "damaged HDF5 file: attribute '\(attribute.name)' refers to \(problem)")
                }
            }
        }
    }

    /// What is wrong with the heap ID (collection address, object index) of a string of `length`
    /// bytes, or nil if the collection holds the object.
    private func problem(collection: UInt64, index: UInt32, length: UInt32) -> String? {
        let what = "global heap object \(index) at address \(collection)"
        guard let header = bytes(at: collection, count: 16), Array(header.prefix(4)) == Array("GCOL".utf8) else {
            return "\(what), where the file holds no global heap collection"
        }
        let collectionSize = Self.integer(header[8..<16])
        guard collectionSize >= 16, collectionSize <= size - collection, collectionSize <= 1 << 32,
              let body = bytes(at: collection, count: Int(collectionSize)) else {
            return "\(what), a collection whose size (\(collectionSize) bytes) does not fit in the file"
        }
        var offset = 16
        while offset + 16 <= body.count {
            let objectIndex = Self.integer(body[offset..<(offset + 2)])
            let objectSize = Self.integer(body[(offset + 8)..<(offset + 16)])
            if objectIndex == 0 { break }   // free space: the end of the objects
            guard objectSize <= UInt64(body.count - offset - 16) else {
                return "\(what), in a collection whose object \(objectIndex) overruns it"
            }
            if objectIndex == UInt64(index) {
                return objectSize >= UInt64(length) ? nil : "\(what), which holds \(objectSize) bytes, not \(length)"
            }
            offset += 16 + Int((objectSize + 7) / 8 * 8)
        }
        return "\(what), which the collection does not hold"
    }

    /// An attribute message: its name, the heap IDs of its elements when it holds
    /// variable-length strings, and what is wrong with its layout (data that does not fit in the
    /// message: libhdf5 reads past its buffer there).
    struct StringAttribute {
        var name: String
        var references: [(collection: UInt64, index: UInt32, length: UInt32)]
        var problem: String?
    }

    /// The attribute messages of the version-1 object header at `address`
    /// (continuation blocks followed, at most 64 blocks); empty for any other layout.
    func attributeMessages(objectHeader address: UInt64) -> [StringAttribute] {
        guard let prefix = bytes(at: address, count: 16), prefix[0] == 1 else { return [] }
        var blocks = [(start: address + 16, length: Self.integer(prefix[8..<12]))]
        var found: [StringAttribute] = []
        var visited = 0
        while let block = blocks.popLast(), visited < 64 {
            visited += 1
            guard block.length <= 1 << 24, let data = bytes(at: block.start, count: Int(block.length)) else { continue }
            var offset = 0
            while offset + 8 <= data.count {
                let type = Self.integer(data[offset..<(offset + 2)])
                let length = Int(Self.integer(data[(offset + 2)..<(offset + 4)]))
                let flags = data[offset + 4]
                let body = offset + 8
                guard body + length <= data.count else { break }
                let message = data[body..<(body + length)]
                if type == 0x10, length >= 16 {   // continuation: another block of messages
                    blocks.append((Self.integer(message.prefix(8)), Self.integer(message.dropFirst(8).prefix(8))))
                } else if type == 0x0C, flags & 0x02 == 0, let attribute = stringAttribute(Array(message)) {
                    found.append(attribute)
                }
                offset = body + length
            }
        }
        return found
    }

    /// Parses an attribute message (versions 1–3); nil when its layout is one this check does not
    /// read (shared datatype or dataspace, an unknown dataspace version).
    private func stringAttribute(_ message: [UInt8]) -> StringAttribute? {
        guard message.count >= 8 else { return nil }
        let version = message[0]
        let nameSize = Int(Self.integer(message[2..<4])), typeSize = Int(Self.integer(message[4..<6])), spaceSize = Int(Self.integer(message[6..<8]))
        func padded(_ n: Int) -> Int { version == 1 ? (n + 7) / 8 * 8 : n }
        let nameStart = version == 3 ? 9 : 8
        guard (1...3).contains(version), version == 1 || message[1] & 0x03 == 0 else { return nil }   // shared type or space
        let typeStart = nameStart + padded(nameSize), spaceStart = typeStart + padded(typeSize), dataStart = spaceStart + padded(spaceSize)
        guard nameSize > 0, nameStart + nameSize <= message.count else {
            return StringAttribute(name: "?", references: [], problem: "its name (\(nameSize) bytes) does not fit in its \(message.count)-byte message")
        }
        let name = String(decoding: message[nameStart..<(nameStart + nameSize - 1)], as: UTF8.self)
        guard typeSize >= 8, dataStart <= message.count else {
            return StringAttribute(name: name, references: [], problem: "its datatype and dataspace (\(typeSize) + \(spaceSize) bytes) do not fit in its \(message.count)-byte message")
        }
        guard let count = elementCount(Array(message[spaceStart..<(spaceStart + spaceSize)])) else { return nil }
        // Datatype: class 9 (variable length) type 1 (string) stores 16 bytes per element (length
        // and heap ID); other classes their size.
        let isString = message[typeStart] & 0x0F == 9 && message[typeStart + 1] & 0x0F == 1
        let elementSize = isString ? 16 : Int(Self.integer(message[(typeStart + 4)..<(typeStart + 8)]))
        let (needed, overflow) = elementSize.multipliedReportingOverflow(by: count)
        guard !overflow, needed <= message.count - dataStart else {
            return StringAttribute(name: name, references: [], problem: "\(count) values of \(elementSize) bytes do not fit in the \(message.count - dataStart) bytes of data its message holds")
        }
        guard isString else { return StringAttribute(name: name, references: [], problem: nil) }
        var references: [(UInt64, UInt32, UInt32)] = []
        for element in 0..<count {
            let at = dataStart + 16 * element
            let length = UInt32(Self.integer(message[at..<(at + 4)]))
            let collection = Self.integer(message[(at + 4)..<(at + 12)])
            let index = UInt32(Self.integer(message[(at + 12)..<(at + 16)]))
            if collection == 0 && index == 0 { continue }   // an empty (null) string
            references.append((collection, index, length))
        }
        return StringAttribute(name: name, references: references, problem: nil)
    }

    /// Elements of a dataspace message (versions 1 and 2); nil when it cannot be read.
    private func elementCount(_ space: [UInt8]) -> Int? {
        guard space.count >= 4 else { return nil }
        let rank = Int(space[1])
        let dimensionsStart: Int
        switch space[0] {
        case 1: dimensionsStart = 8
        case 2:
            if space[3] == 0 { return 1 }   // scalar
            if space[3] == 2 { return 0 }   // null
            dimensionsStart = 4
        default: return nil
        }
        if rank == 0 { return 1 }
        guard space.count >= dimensionsStart + 8 * rank else { return nil }
        var count = 1
        for d in 0..<rank {
            let extent = Self.integer(space[(dimensionsStart + 8 * d)..<(dimensionsStart + 8 * d + 8)])
            guard extent <= 1 << 20 else { return nil }
            count *= Int(extent)
            guard count <= 1 << 20 else { return nil }
        }
        return count
    }
}

extension Group {
    /// Address of the object header the hard link `name` of this group points to, from the link
    /// itself (`H5Lget_info`): asking the object (`H5Oget_info`, even for its basic fields) walks
    /// its attributes, which is what crashes on a damaged attribute table. Nil for soft and
    /// external links or when libhdf5 cannot tell.
    func linkedHeaderAddress(_ name: String) -> UInt64? {
        var info = H5L_info_t()
        ErrorStack.silence()
        guard H5Lget_info(handle.id, name, &info, chdf5_p_default()) >= 0, info.type == H5L_TYPE_HARD else {
            _ = ErrorStack.collect()
            return nil
        }
        return UInt64(info.u.address)
    }
}

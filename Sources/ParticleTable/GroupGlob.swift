import Foundation
import HDF5

/// Per-frame (or per-run) groups of one HDF5 file given by a shell-style glob in the mapped
/// dataset paths, e.g. `--features '/frame_*/x' --labels '/frame_*/y' --temperature '/frame_*@T'`:
/// the groups the features pattern matches, in natural order (frame_2 before frame_10), each
/// read as one mapped table, their rows concatenated. Every other per-row pattern takes the
/// same group names at the same path components.
enum GroupGlob {
    /// True when `path` holds a glob character (`*`, `?`, `[`).
    static func isPattern(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    /// True when any per-row path of `mapping` is a pattern.
    static func isPattern(_ mapping: DatasetMapping) -> Bool {
        var paths = [mapping.features, mapping.labels] + [mapping.split, mapping.energyBarrier, mapping.featureNames].compactMap { $0 }
        switch mapping.temperature {
        case .dataset(let path): paths.append(path)
        case .attribute(let object, _): paths.append(object)
        case .value: break
        }
        return paths.contains(where: isPattern)
    }

    /// One concrete mapping per group the features pattern matches, in natural order.
    /// - Throws: `ParticleDataError.mapping` when nothing matches, or when another pattern has a
    ///   wildcard where the features pattern has none.
    static func expand(_ mapping: DatasetMapping, in file: File, path: String) throws -> [DatasetMapping] {
        let pattern = components(mapping.features)
        var matches: [[String]] = [[]]
        for (index, component) in pattern.enumerated() {
            var next: [[String]] = []
            for prefix in matches {
                guard isPattern(component) else { next.append(prefix + [component]); continue }
                let parent = "/" + prefix.joined(separator: "/")
                guard file.isGroup(parent) else { continue }
                let names = try file.group(parent).memberNames().filter { fnmatch(component, $0, 0) == 0 }
                // Only the last component may be a dataset; earlier ones must be groups.
                let kept = index == pattern.count - 1 ? names : names.filter { file.isGroup(parent == "/" ? "/\($0)" : "\(parent)/\($0)") }
                next += kept.sorted(by: naturalOrder).map { prefix + [$0] }
            }
            matches = next
        }
        guard !matches.isEmpty else {
            throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "the pattern matches no dataset")
        }
        func bind(_ other: String, to match: [String]) throws -> String {
            let parts = components(other)
            let bound = try parts.enumerated().map { index, part -> String in
                guard isPattern(part) else { return part }
                guard index < pattern.count, isPattern(pattern[index]) else {
                    throw ParticleDataError.mapping(file: path, dataset: other, message: "has a wildcard at component \(index + 1), where the features pattern \(mapping.features) has none; use the same group pattern for every per-row dataset")
                }
                return match[index]
            }
            return "/" + bound.joined(separator: "/")
        }
        return try matches.map { match in
            var concrete = mapping
            concrete.features = "/" + match.joined(separator: "/")
            concrete.labels = try bind(mapping.labels, to: match)
            concrete.split = try mapping.split.map { try bind($0, to: match) }
            concrete.energyBarrier = try mapping.energyBarrier.map { try bind($0, to: match) }
            concrete.featureNames = try mapping.featureNames.map { try bind($0, to: match) }
            switch mapping.temperature {
            case .dataset(let t): concrete.temperature = .dataset(try bind(t, to: match))
            case .attribute(let object, let name): concrete.temperature = .attribute(object: try bind(object, to: match), name: name)
            case .value: break
            }
            return concrete
        }
    }

    /// The non-empty components of a dataset path.
    static func components(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }

    /// Natural order: runs of digits compare as numbers ("frame_2" < "frame_10").
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric]) == .orderedAscending
    }
}

extension ParticleTableReader {
    /// Loads the groups a glob mapping matches (`GroupGlob`) and concatenates their rows; the
    /// feature names must agree. The digest covers the concatenated values in the order `load`
    /// hashes one table (features, labels, temperature, split).
    static func loadGroups(_ mappings: [DatasetMapping], path: String, labels encoding: LabelEncoding, blockRows: Int) throws -> ParticleTableData {
        var combined: ParticleTableData?
        for mapping in mappings {
            let part = try load(path: path, labels: encoding, mapping: mapping, blockRows: blockRows)
            guard var sum = combined else { combined = part; continue }
            guard part.featureNames == sum.featureNames else {
                throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "has other feature names (or another column count) than \(mappings[0].features)")
            }
            guard (part.split == nil) == (sum.split == nil), (part.energyBarrier == nil) == (sum.energyBarrier == nil) else {
                throw ParticleDataError.mapping(file: path, dataset: mapping.features, message: "its group lacks a split or barrier dataset that \(mappings[0].features)'s group has (or has one it lacks)")
            }
            sum.rows += part.rows
            sum.features += part.features
            sum.labels += part.labels
            sum.temperature += part.temperature
            if let split = part.split { sum.split? += split }
            if let barrier = part.energyBarrier { sum.energyBarrier? += barrier }
            if part.featureStorage == .float64 { sum.featureStorage = .float64 }
            combined = sum
        }
        guard var data = combined else {
            throw ParticleDataError.mapping(file: path, dataset: nil, message: "the pattern matches no group")
        }
        var digest = FNV1a64()
        digest.add(data.features)
        digest.add(data.labels)
        digest.add(data.temperature)
        if let split = data.split { digest.add(split) }
        data.digest = digest.hex
        return data
    }
}

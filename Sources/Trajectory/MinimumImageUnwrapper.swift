import Structure

/// Unwrapped positions for dumps that store wrapped coordinates without image flags (`x y z` or
/// `xs ys zs` only, as many archived campaigns were written): each particle is followed from frame
/// to frame through the nearest periodic image of its step (`label --unwrap minimum-image`).
///
/// This is right only when no particle moves more than half a box length between frames; a step
/// longer than `largestStep` of a box length along an axis is refused (naming particle and frame),
/// because the image it came through can then no longer be told.
public struct MinimumImageUnwrapper: Sendable {
    /// Largest step between consecutive frames, as a fraction of the box length along an axis.
    public static let largestStep = 0.25

    private var previousWrapped: [SIMD3<Double>]?
    private var previousUnwrapped: [SIMD3<Double>] = []

    /// An unwrapper that starts at the first frame it is given (whose positions it keeps).
    public init() {}

    /// The unwrapped positions of `frame`, continuing from the frames given before.
    /// - Throws: `TrajectoryError(.missingImages)` for a step longer than `largestStep` box
    ///   lengths, `.inconsistentParticles` when the particle count changes.
    public mutating func unwrap(_ frame: TrajectoryFrame) throws -> [SIMD3<Double>] {
        if frame.positionKind != .wrapped { return try frame.unwrappedPositions() }
        let current = frame.positions
        guard let previous = previousWrapped else {
            previousWrapped = current
            previousUnwrapped = current
            return current
        }
        guard previous.count == current.count else {
            throw TrajectoryError(.inconsistentParticles, file: frame.source, frame: frame.index, timestep: frame.timestep,
                                  message: "frame \(frame.index) has \(current.count) particles, the frame before \(previous.count)")
        }
        var unwrapped = previousUnwrapped
        for i in current.indices {
            var step = frame.box.fractionalDisplacement(current[i] - previous[i])
            step -= step.rounded(.toNearestOrEven)
            let largest = max(abs(step.x), abs(step.y), abs(step.z))
            guard largest <= Self.largestStep else {
                throw TrajectoryError(.missingImages, file: frame.source, frame: frame.index, timestep: frame.timestep,
                                      message: "--unwrap minimum-image: particle id \(frame.ids[i]) moves \(String(format: "%.2f", largest)) box lengths between frame \(frame.index - 1) and frame \(frame.index), more than \(Self.largestStep), so its periodic image cannot be told; dump more often, or with xu yu zu or image flags")
            }
            unwrapped[i] += frame.box.cartesianDisplacement(fractional: step)
        }
        previousWrapped = current
        previousUnwrapped = unwrapped
        return unwrapped
    }
}

/// The root attribute `population` of a particle table from `featurize --balance` (carried by
/// `join`; schemas/particles-v1.md): which rows the table holds, so that the diagnostic knows
/// whether P(R|S,T) is measured on the natural population or on a balanced sample.
public enum TablePopulation {
    /// Every labelled pair, with `/balanced` marking the balanced training sample.
    public static let natural = "natural (every labelled pair; /balanced marks the balanced training sample)"
    /// The balanced sample alone (`featurize --balance-only`): P(R|S,T) measured on it is set by
    /// the balancing.
    public static let balancedSampleOnly = "balanced sample only"
}

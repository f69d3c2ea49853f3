// Diagnostics: the seed paper's pipeline on top of Learning (DESIGN.md §1 items 4–9), one file
// per stage: Softness (standardize, SVM, S for every row), TemperatureLogistic (P(R|S,T) per
// temperature), Arrhenius (ΔE_inf(S), Σ(S)), TruthCheck (against a known ΔE), VarianceDiagnostic
// (Var(ΔE_inf) with its bootstrap), BarrierDiagnostic (the short orchestrator of those stages),
// RecursiveFeatureElimination, Scan (N × C × seeds), BinnedArrhenius (Schoenholz et al. 2016) and
// Verdict (the sentence a physicist reads); TemperatureGroup holds a temperature's test rows for
// the stages after the softness. No file I/O here: the out-of-core run is StreamedDiagnostics'.

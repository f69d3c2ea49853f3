// Diagnostics: the seed paper's pipeline on top of Learning (DESIGN.md §1 items 4–9):
// softness (BarrierDiagnostic), P(R|S,T) by per-temperature logistic regression, the Arrhenius
// extraction of ΔE_inf(S) and Σ(S) (ArrheniusFit), the truth check against a known ΔE
// (TruthCheck), the variance diagnostic with recursive feature elimination
// (RecursiveFeatureElimination), scans over N × C × seeds (Scan), and the binned
// Schoenholz-style route (BinnedArrhenius). One file per concept; no file I/O here.

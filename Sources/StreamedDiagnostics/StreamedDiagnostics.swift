// StreamedDiagnostics: the diagnostic of Diagnostics on a table larger than memory. The features
// are read again from disk for every pass (OutOfCoreDiagnostic: standardization, the streamed SVM,
// the softness pass; RFE and scan as sequences of these), and test rows beyond memory are sorted
// through a temporary file (TestRowSpill). Every stage after the softness is Diagnostics' own.

// Learning: standardization, linear SVMs (primal trust-region Newton, dual coordinate descent),
// the one-predictor logistic fit, least-squares lines and small statistics on dense row-major
// matrices. One file per concept; no file I/O.

// Learning: standardization, linear SVMs (primal trust-region Newton, dual coordinate descent),
// logistic regression and least squares on dense row-major matrices. One file per concept.

// Diagnostics: the paper's pipeline on top of Learning (softness, P(R|S,T), Arrhenius, truth check, RFE, scans).

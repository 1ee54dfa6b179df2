"""Personal data the NGO can answer for: encryption at rest, the view log, erasure, subject access, retention."""

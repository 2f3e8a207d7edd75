"""Deriving: what a paper's records and history imply (view, status, tier, gate, manifest)."""

"""Checking: every file against its contract, and the rules (one function per rule id)."""

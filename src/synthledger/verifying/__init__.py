"""Verifying (Gate 2): the sandbox, reproduce, prove and verification records."""

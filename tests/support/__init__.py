"""Helpers shared by the test modules (pre-commit's ``testing/``)."""

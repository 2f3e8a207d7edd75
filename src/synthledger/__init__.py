"""synthledger: a git-backed, additive-only archive of literature syntheses."""

from __future__ import annotations

__version__ = "0.1.0"

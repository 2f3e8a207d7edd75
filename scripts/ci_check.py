#!/usr/bin/env python3
"""CI's one entry: validate, the additive-only check and the manifest build.

Usage: scripts/ci_check.py [--base REV] [--format github] [--out DIR]
"""

from __future__ import annotations

import sys

from synthledger.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["check", *sys.argv[1:]]))

#!/usr/bin/env python3
"""The benchmarks' entry (see benchmarks/runner.py): figures beside git's own floor.

Usage: .venv/bin/python scripts/benchmark.py --papers 10000 --papers 100000
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.runner import main

if __name__ == "__main__":
    raise SystemExit(main())

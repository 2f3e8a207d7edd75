from __future__ import annotations

from synthledger.cli import main

raise SystemExit(main())

"""``python -m synthledger.prereceive``: the module path installed pre-receive hooks call.

Servers copied hooks/pre-receive when the hook lived here; the logic now lives
in :mod:`synthledger.ledger.prereceive`, and this name stays so those copies
keep working.
"""

from __future__ import annotations

from synthledger.ledger.prereceive import main

if __name__ == "__main__":
    raise SystemExit(main())

"""The site's Jinja2 environment, and what the frame of every page shows.

The index and the timeline name the commit the site was built from. A paper's
pages name instead the newest commit of the records they rest on: a page that
named the build commit would change with every commit, so that one new paper
would rewrite every page of the archive (100,000 files), where it now
rewrites its own and the lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from synthledger.config import ArchiveConfig
from synthledger.layout import paper_folder
from synthledger.ledger.history import Commit
from synthledger.ledger.snapshot import utc
from synthledger.publishing.model import DIMENSION_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment(config: ArchiveConfig) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value on a page comes from a record someone else wrote
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The templates are the package's files: no need to look at them again (a stat
        # of each template a page extends or imports, for every page of the build).
        auto_reload=False,
    )
    env.filters["href"] = lambda text: quote(str(text))
    # A record's archive path as a link from its paper's page, which sits in the paper's folder.
    env.filters["in_paper"] = lambda path, paper: quote(
        str(path).removeprefix(f"{paper_folder(config, paper)}/")
    )
    return env


def common(tip: Commit | None) -> dict[str, Any]:
    """The frame of the index and the timeline: they name the build commit."""
    return {
        "tip": {"sha": tip.sha, "date": utc(tip.committer_date)} if tip else None,
        "rests_on": None,
        "dimension_labels": DIMENSION_LABELS,
    }


def resting_on(commit: str) -> dict[str, Any]:
    """The frame of a paper's pages: they name ``commit``, the newest of their records'."""
    return {"tip": None, "rests_on": commit, "dimension_labels": DIMENSION_LABELS}

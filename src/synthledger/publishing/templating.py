"""The site's Jinja2 environment, and the one place a page's build commit is filled in.

A paper's page names the commit the site was built from in its footer, so that
every page would change with every commit. Pages are therefore rendered with
placeholders for that commit (markup a record's text can never produce: record
text is escaped, so it holds no ``<``) and the commit is filled in as a page is
written: a rendered page can be reused (the cache) whatever the tip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe

from synthledger.config import ArchiveConfig
from synthledger.layout import paper_folder
from synthledger.ledger.history import Commit
from synthledger.ledger.snapshot import utc
from synthledger.publishing.model import DIMENSION_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
TIP_SHA = b"<!--synthledger:tip-sha-->"
TIP_DATE = b"<!--synthledger:tip-date-->"


def environment(config: ArchiveConfig) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value on a page comes from a record someone else wrote
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = lambda text: quote(str(text))
    # A record's archive path as a link from its paper's page, which sits in the paper's folder.
    env.filters["in_paper"] = lambda path, paper: quote(
        str(path).removeprefix(f"{paper_folder(config, paper)}/")
    )
    return env


def common(tip: Commit | None) -> dict[str, Any]:
    """What every page's frame shows, with the build commit filled in (index, timeline)."""
    return {
        "tip": {"sha": tip.sha, "date": utc(tip.committer_date)} if tip else None,
        "dimension_labels": DIMENSION_LABELS,
    }


def placeholders() -> dict[str, Any]:
    """``common`` for a paper's pages: the build commit left to :func:`fill_in`."""
    tip = {"sha": markupsafe.Markup(TIP_SHA.decode()), "date": markupsafe.Markup(TIP_DATE.decode())}
    return {"tip": tip, "dimension_labels": DIMENSION_LABELS}


def fill_in(page: bytes, tip: Commit) -> bytes:
    """A page rendered with :func:`placeholders`, naming ``tip``."""
    date = utc(tip.committer_date).encode("ascii")
    return page.replace(TIP_SHA, tip.sha.encode("ascii")).replace(TIP_DATE, date)

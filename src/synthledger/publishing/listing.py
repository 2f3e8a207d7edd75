"""Where the site lists a paper: on one page, or on the page of its part.

A flat archive's site lists every paper on index.html and every event on
timeline.html, and ships each export as one file. A sharded archive
(``paper-folders = "sharded"``) is one that chose to grow large: its site
lists papers by the first two characters of their id (index-<part>.html,
exports/<part>/) and events by the month of their commit
(timeline-<month>.html), with index.html and timeline.html listing the parts.
No page then grows with the archive, and one new paper rewrites its own part's
pages, not a file that lists 100,000 papers.

Part names are lower case, so that the ids ``Ab1`` and ``ab2`` share a page
rather than two files that a case-insensitive file system would merge. Every
paper id gives a part name; a folder name that is not an id (which a build
leaves out, SL802) would be listed in the part ``other``, never in a file
named after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synthledger.config import ArchiveConfig
from synthledger.layout import SHARD_WIDTH

ONE_PART = ""  # the only part of a flat archive's lists: all of them
OTHER = "other"
_PART = re.compile(r"[a-z0-9][a-z0-9._-]?")
_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class Listing:
    """How one build's site lists its papers and events."""

    split: bool

    @classmethod
    def of(cls, config: ArchiveConfig) -> Listing:
        return cls(split=config.paper_folders == "sharded")

    def part(self, paper: str) -> str:
        """The part whose page lists ``paper``."""
        if not self.split:
            return ONE_PART
        prefix = paper[:SHARD_WIDTH].lower()
        return prefix if _PART.fullmatch(prefix) else OTHER

    def month(self, committed: str) -> str:
        """The part of the timeline that lists an event committed at ``committed`` (UTC ISO)."""
        if not self.split:
            return ONE_PART
        month = committed[:7]
        return month if _MONTH.fullmatch(month) else OTHER


def index_page(part: str) -> str:
    return "index.html" if part == ONE_PART else f"index-{part}.html"


def timeline_page(month: str) -> str:
    return "timeline.html" if month == ONE_PART else f"timeline-{month}.html"


def exports_folder(part: str) -> str:
    return "exports" if part == ONE_PART else f"exports/{part}"

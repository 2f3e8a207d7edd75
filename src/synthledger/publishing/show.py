"""A paper's page in the terminal, with rich.

Every string from a record goes in as a ``Text``, which rich never reads as
markup (``[bold]`` in a title stays text), and through ``showing.prose``, so
that an ESC sequence in a record is shown, not obeyed by the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from synthledger.publishing.model import BAD, GOOD, NEUTRAL, WARN, Page, Row
from synthledger.publishing.model import Table as Section
from synthledger.showing import prose


def _text(text: str, style: str = "") -> Text:
    """Record text as rich shows it: escaped for the terminal, never read as markup."""
    return Text(prose(text), style=style)


TONE_STYLES = {GOOD: "bold green", WARN: "bold yellow", BAD: "bold red", NEUTRAL: "bold cyan"}


def render(page: Page, console: Console) -> None:
    console.print(page_renderable(page))


def page_renderable(page: Page) -> Group:
    parts: list[RenderableType] = [
        _text(page.title, style="bold"),
        _text(page.byline, style="dim"),
        _text(f"id {page.id}", style="dim"),
        _badges(page),
        *_prose("Abstract", page.abstract),
        *_prose("Research Question", page.research_question),
    ]
    for section in page.report:
        parts.extend(_prose(section.title, section.text))
    for table in page.tables:
        parts.extend(_section(table))
        if table is page.correction_record:
            parts.append(_timeline(page))
    if page.claims is not None:
        parts.extend(_claims(page))
    if page.references:
        parts.append(_heading("References"))
        parts.extend(_text(f"- {r.text}") for r in page.references)
    if page.artifacts:
        parts.extend(_artifacts(page))
    if page.comparison is not None:
        parts.extend(_section(page.comparison))
    return Group(*parts)


def _heading(title: str) -> Padding:
    # A blank line above each section, as between the sections of the web page.
    return Padding(Rule(_text(title, style="bold"), align="left", style="dim"), (1, 0, 0, 0))


def _prose(title: str, text: str) -> list[RenderableType]:
    return [_heading(title), _text(text)]


def _badges(page: Page) -> Text:
    line = Text()
    for badge in page.badges:
        if line:
            line.append("  ")
        line.append(prose(f"{badge.label}: "), style="dim")
        line.append(prose(badge.value), style=TONE_STYLES.get(badge.tone, ""))
    return line


def _section(section: Section) -> list[RenderableType]:
    parts: list[RenderableType] = [_heading(section.title), _rows(section.rows)]
    if section.note:
        parts.append(_text(section.note, style="italic dim"))
    return parts


def _rows(rows: Sequence[Row]) -> Table:
    table = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
    table.add_column("label", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for row in rows:
        value = _text(row.value, style=TONE_STYLES.get(row.tone, "") if row.tone else "")
        if row.detail:
            # Under the value, not in a column of its own: a narrow terminal keeps its width.
            value.append(prose(f"\n{row.detail}"), style="dim")
        table.add_row(_text(row.label), value)
    return table


def _timeline(page: Page) -> Table:
    table = Table(title="Correction timeline", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Committed", no_wrap=True)
    table.add_column("Event", overflow="fold", ratio=1)
    table.add_column("Record", overflow="fold")
    table.add_column("Commit", no_wrap=True)
    table.add_column("State", overflow="fold")
    for event in page.timeline:
        what = _text(event.what, style="bold")
        if event.summary:
            what.append(prose(f"\n{event.summary}"), style="")
        table.add_row(
            _text(event.committed),
            what,
            _text(event.record),
            _text(event.commit[:12]),
            _text(event.state or ""),
        )
    return table


def _claims(page: Page) -> list[RenderableType]:
    assert page.claims is not None
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Claim", overflow="fold", ratio=1)
    table.add_column("Verified", justify="center")
    table.add_column("Confidence", justify="right")
    cited = any(claim.references for claim in page.claims)
    if cited:
        table.add_column("References")
    for claim in page.claims:
        text = _text(f"{claim.id}  ", style="dim")
        text.append(prose(claim.text), style="strike" if claim.withdrawn else "")
        if claim.withdrawn:
            text.append("  (withdrawn)", style="bold red")
        cells = [
            text,
            _text("✓", style="green") if claim.verified else _text("×", style="red"),
            _text(f"{claim.confidence:.2f}" if claim.confidence is not None else ""),
        ]
        if cited:
            cells.append(_text(", ".join(claim.references)))
        table.add_row(*cells)
    return [_heading("Extracted Claims"), table]


def _artifacts(page: Page) -> list[RenderableType]:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Artifact", overflow="fold")
    table.add_column("Role")
    table.add_column("sha256", overflow="fold")
    for artifact in page.artifacts:
        table.add_row(_text(artifact.path), _text(artifact.role), _text(artifact.sha256))
    return [_heading("Artifacts"), table]

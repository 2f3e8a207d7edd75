"""Identity: a record's id matches its place, and no two papers share an id."""

from __future__ import annotations

from collections.abc import Iterator

from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.layout import FileKind

NAMED_BY_FILE = (FileKind.CORRECTION, FileKind.VERIFICATION, FileKind.POLICY)


@rule("SL201", [FileKind.SYNTHESIS])
def id_matches_folder(ctx: RecordContext) -> Iterator[Hit]:
    record_id = ctx.data.get("id")
    if isinstance(record_id, str) and record_id != ctx.file.paper:
        yield Hit(
            ("id",),
            f"id {record_id!r} differs from its folder {ctx.file.paper!r}: "
            f"the folder name is the id; move the record to papers/{record_id}/ or fix the id",
        )


@rule("SL201", NAMED_BY_FILE)
def id_matches_file_name(ctx: RecordContext) -> Iterator[Hit]:
    record_id = ctx.data.get("id")
    if isinstance(record_id, str) and record_id != ctx.file.stem:
        yield Hit(
            ("id",),
            f"id {record_id!r} differs from the file name {ctx.file.stem}.yaml: "
            f"name the file {record_id}.yaml or fix the id",
        )


@rule("SL202", [FileKind.SYNTHESIS])
def id_unique_ignoring_case(ctx: RecordContext) -> Iterator[Hit]:
    folder = ctx.file.paper or ""
    clashes = ctx.archive.same_ignoring_case(folder)
    if clashes:
        yield Hit(
            ("id",),
            f"paper id {folder!r} clashes with {', '.join(repr(c) for c in clashes)}, "
            "which differs only by case: ids must stay distinct on case-insensitive "
            "file systems; choose another id",
        )


@rule("SL204", [FileKind.POLICY])
def policy_named_by_date(ctx: RecordContext) -> Iterator[Hit]:
    effective = ctx.data.get("effective")
    if isinstance(effective, str) and not ctx.file.stem.startswith(f"{effective}-"):
        yield Hit(
            ("effective",),
            f"policy file {ctx.file.stem}.yaml does not start with its effective date "
            f"{effective}: name it {effective}-<slug>.yaml",
        )


@rule("SL205", [FileKind.CORRECTION, FileKind.VERIFICATION])
def about_own_paper(ctx: RecordContext) -> Iterator[Hit]:
    if ctx.file.kind is FileKind.CORRECTION:
        target = ctx.data.get("target")
        paper = target.get("paper") if isinstance(target, dict) else None
        where: tuple[str, ...] = ("target", "paper")
    else:
        paper = ctx.data.get("paper")
        where = ("paper",)
    if isinstance(paper, str) and paper != ctx.file.paper:
        yield Hit(
            where,
            f"this record is about paper {paper!r} but sits in the folder of "
            f"{ctx.file.paper!r}: move it to papers/{paper}/ or fix the paper id",
        )

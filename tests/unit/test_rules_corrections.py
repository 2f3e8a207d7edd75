"""Correction rules: the target exists (SL401) at the blob it was written against (SL405),
the patch applies and leaves it valid (SL402), and what a kind names exists (SL404)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.archive import PAPER, Archive, git_blob_sha1, position, sha256_hex, value_at
from synthledger.findings import Finding, Severity

ERROR = Severity.ERROR
TARGET = f"records/papers/{PAPER}/synthesis.yaml"
PATCH = """\
patch:
  - op: replace
    path: /claims/items/1/text
    value: "The accuracy of quantized code completion models drops by less than two points."
"""


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis()
    return archive


Change = tuple[str, str]


def _correction(archive: Archive, *changes: Change, cid: str = "k1") -> str:
    """The template erratum of ``PAPER`` with each ``(old, new)`` text change applied."""
    text = archive.correction_text(cid)
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _kind(kind: str, *fields: str) -> Change:
    return "kind: erratum\n", f"kind: {kind}\n" + "".join(f"{field}\n" for field in fields)


def _patch(*operations: str) -> Change:
    if not operations:
        return PATCH, "patch: []\n"
    return PATCH, "patch:\n" + "".join(f"  - {operation}\n" for operation in operations)


def _dated(date: str) -> Change:
    return '"2026-07-01"', f'"{date}"'


def test_an_erratum_that_applies_to_its_target_passes(archive: Archive) -> None:
    archive.add_correction()

    assert archive.validate() == []


# --- SL401 ----------------------------------------------------------------------------


def test_a_correction_of_a_paper_not_in_the_archive_fails(archive: Archive) -> None:
    text = archive.correction_text("k1", paper="p9")
    path = archive.add_correction("k1", paper="p9", text=text)

    assert archive.validate() == [
        Finding(
            "records/papers/p9",
            1,
            1,
            "SL206",
            ERROR,
            "paper folder has no synthesis.yaml: every paper starts with its synthesis record",
        ),
        Finding(
            path,
            *value_at(text, "paper: p9"),
            "SL401",
            ERROR,
            "the target records/papers/p9/synthesis.yaml does not exist: a correction amends "
            "a published synthesis; check target.paper",
        ),
    ]


# --- SL405 ----------------------------------------------------------------------------


def test_the_blob_is_the_one_git_gives_the_target(archive: Archive) -> None:
    from_git = subprocess.run(
        ["git", "hash-object", TARGET],
        cwd=archive.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert archive.blob_of(TARGET) == from_git


def test_a_sha256_blob_of_the_target_passes(archive: Archive) -> None:
    content = (archive.root / TARGET).read_bytes()
    blob = sha256_hex(b"blob %d\0" % len(content) + content)
    archive.add_correction(text=_correction(archive, (archive.blob_of(TARGET), blob)))

    assert archive.validate() == []


def test_a_correction_written_against_another_version_fails(archive: Archive) -> None:
    stale = git_blob_sha1(b"an earlier version\n")
    text = _correction(archive, (archive.blob_of(TARGET), stale))
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, f'blob: "{stale}"'),
            "SL405",
            ERROR,
            f"target.blob {stale} is not the blob of {TARGET} ({archive.blob_of(TARGET)}): "
            f"write the correction against the published file (git hash-object {TARGET})",
        )
    ]


# --- SL402 ----------------------------------------------------------------------------

DOES_NOT_APPLY = (
    f"the patch does not apply to {TARGET}: {{}}. Point each operation at a field that "
    "exists in the record's current view"
)


@pytest.mark.parametrize(
    ("operation", "why"),
    [
        pytest.param(
            'op: replace\n    path: /claims/items/5/text\n    value: "Five."',
            "index '5' is out of bounds",
            id="no such claim",
        ),
        pytest.param(
            "op: remove\n    path: /title/x",
            "Cannot apply token 'x' to non-container type <class 'str'>",
            id="into a text",
        ),
        pytest.param(
            'op: test\n    path: /title\n    value: "Another title"',
            "a test operation failed: Quantization effects on code completion models "
            "(<class 'str'>) is not equal to tested value Another title (<class 'str'>)",
            id="failed test",
        ),
        pytest.param(
            'op: replace\n    path: ""\n    value: [1]',
            "the patch replaces the whole record with a non-mapping",
            id="whole record replaced",
        ),
    ],
)
def test_a_patch_that_does_not_apply_fails(archive: Archive, operation: str, why: str) -> None:
    text = _correction(archive, _patch(operation))
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(path, *position(text, "- op"), "SL402", ERROR, DOES_NOT_APPLY.format(why))
    ]


@pytest.mark.parametrize(
    ("operation", "problem"),
    [
        pytest.param(
            "op: replace\n    path: /review/score\n    value: 11",
            "/review/score: 11 is greater than the maximum of 10",
            id="score out of range",
        ),
        pytest.param(
            "op: remove\n    path: /claims/items/1/text",
            "/claims/items/1: 'text' is a required property",
            id="required field removed",
        ),
    ],
)
def test_a_patch_that_leaves_the_record_invalid_fails(
    archive: Archive, operation: str, problem: str
) -> None:
    text = _correction(archive, _patch(operation))
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "- op"),
            "SL402",
            ERROR,
            f"after the patch, {TARGET} no longer satisfies synthesis-v1: {problem}. "
            "A correction must leave the record valid",
        )
    ]


NEW_TEXT = "The accuracy of quantized code completion models drops by less than two points."
OLD_TEXT = "The accuracy of quantized code completion models drops by less than one point."
TEST_NEW_TEXT = f'op: test\n    path: /claims/items/1/text\n    value: "{NEW_TEXT}"'
TEST_OLD_TEXT = f'op: test\n    path: /claims/items/1/text\n    value: "{OLD_TEXT}"'


def test_a_patch_applies_to_the_view_earlier_corrections_left(archive: Archive) -> None:
    archive.add_correction("k1")  # 2026-07-01: rewords claim c2
    later = _correction(archive, _patch(TEST_NEW_TEXT), _dated("2026-07-02"), cid="k2")
    archive.add_correction("k2", text=later)

    assert archive.validate() == []


def test_a_patch_written_for_the_original_fails_after_an_earlier_correction(
    archive: Archive,
) -> None:
    archive.add_correction("k2")  # 2026-07-01: rewords claim c2
    text = _correction(archive, _patch(TEST_OLD_TEXT), _dated("2026-07-05"), cid="k3")
    path = archive.add_correction("k3", text=text)

    [finding] = archive.validate()

    assert (finding.path, finding.rule) == (path, "SL402")
    assert finding.message.startswith(
        f"the patch does not apply to {TARGET}: a test operation failed"
    )


# --- SL404 ----------------------------------------------------------------------------


def test_a_partial_retraction_of_listed_claims_passes(archive: Archive) -> None:
    archive.add_correction(
        text=_correction(archive, _kind("partial-retraction", "withdraws_claims: [c2]"))
    )

    assert archive.validate() == []


def test_a_partial_retraction_naming_an_unknown_claim_fails(archive: Archive) -> None:
    text = _correction(archive, _kind("partial-retraction", "withdraws_claims: [c2, c9]"))
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "c9"),
            "SL404",
            ERROR,
            f"claim 'c9' is not a listed claim of {TARGET}: name claims by their id (c1, c2, ...)",
        )
    ]


def test_a_partial_retraction_of_a_claim_an_earlier_addendum_added_passes(
    archive: Archive,
) -> None:
    addendum = _correction(
        archive,
        _kind("addendum"),
        _patch(
            "{op: add, path: /claims/items/-, value: {id: c9, text: Added later., "
            "verified: false, confidence: 0.5}}"
        ),
    )
    archive.add_correction("k1", text=addendum)
    retraction = _correction(
        archive,
        _kind("partial-retraction", "withdraws_claims: [c9]"),
        _patch(),
        _dated("2026-07-09"),
        cid="k2",
    )
    archive.add_correction("k2", text=retraction)

    assert [f for f in archive.validate() if f.rule == "SL404"] == []


def test_a_reinstatement_of_a_later_correction_fails(archive: Archive) -> None:
    text = _correction(archive, _kind("reinstatement", "cancels: k3"), _patch(), cid="k2")
    path = archive.add_correction("k2", text=text)
    archive.add_correction("k3", text=_correction(archive, _dated("2026-07-09"), cid="k3"))

    assert [f for f in archive.validate() if f.path == path] == [
        Finding(
            path,
            *value_at(text, "cancels: k3"),
            "SL404",
            ERROR,
            "a reinstatement cancels one earlier correction of this paper, but k3 is not "
            "dated before this one (2026-07-01): a reinstatement comes after what it cancels",
        )
    ]


def test_a_reinstatement_of_an_earlier_correction_passes(archive: Archive) -> None:
    archive.add_correction("k1")
    reinstatement = _correction(
        archive, _kind("reinstatement", "cancels: k1"), _patch(), _dated("2026-07-09"), cid="k2"
    )
    archive.add_correction("k2", text=reinstatement)

    assert archive.validate() == []


def test_a_reinstatement_naming_a_missing_correction_fails(archive: Archive) -> None:
    text = _correction(archive, _kind("reinstatement", "cancels: k0"), _patch(), cid="k2")
    path = archive.add_correction("k2", text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "cancels: k0"),
            "SL404",
            ERROR,
            "a reinstatement cancels one earlier correction of this paper, but "
            f"records/papers/{PAPER}/corrections/k0.yaml does not exist: name it by its id",
        )
    ]


def test_a_reinstatement_cancelling_itself_fails(archive: Archive) -> None:
    text = _correction(archive, _kind("reinstatement", "cancels: k2"), _patch(), cid="k2")
    path = archive.add_correction("k2", text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "cancels: k2"),
            "SL404",
            ERROR,
            "a reinstatement cancels one earlier correction of this paper, not itself: "
            "name that correction by its id",
        )
    ]


def test_a_new_version_naming_a_paper_in_the_archive_passes(archive: Archive) -> None:
    archive.add_synthesis("p2")
    archive.add_correction(
        text=_correction(archive, _kind("new-version", "replacement: p2"), _patch())
    )

    assert archive.validate() == []


def test_a_new_version_naming_a_missing_paper_fails(archive: Archive) -> None:
    text = _correction(archive, _kind("new-version", "replacement: p2"), _patch())
    path = archive.add_correction(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *value_at(text, "replacement: p2"),
            "SL404",
            ERROR,
            "the replacement paper 'p2' is not in the archive: add the new version first, "
            "or fix the id",
        )
    ]

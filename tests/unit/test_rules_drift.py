"""Content warnings: abstract (SL601) and claims (SL602) off the research question,
claims cut off mid-word (SL603). Warnings never fail a run unless --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.archive import Archive, position
from synthledger.findings import Finding, Severity, exit_status

WARNING = Severity.WARNING
ABSTRACT = '"Weight quantization lowers the latency of code models; accuracy drops slightly."'
C1 = "Eight-bit weight quantization halves the latency of code completion models."
C2 = "The accuracy of quantized code completion models drops by less than one point."


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def test_a_synthesis_on_its_question_passes(archive: Archive) -> None:
    archive.add_synthesis()

    assert archive.validate() == []


# --- SL601 ----------------------------------------------------------------------------

OFF_TOPIC = (
    "of the research question's subject terms once the restated question and boilerplate "
    "are set aside: it seems to be about something else. Check the synthesis against its "
    "question; if it is off topic, issue an expression-of-concern or correction"
)


@pytest.mark.parametrize(
    ("abstract", "share"),
    [
        pytest.param(
            '"Ensembles of neural networks leak membership information to attackers."',
            "0%",
            id="another subject",
        ),
        pytest.param(
            '"Large language models have emerged as powerful tools in chemistry."',
            "14%",
            id="one shared word",
        ),
        pytest.param(
            '"This report synthesises findings from 2 peer-reviewed papers addressing the '
            "following research question: How does weight quantization change the latency and "
            "accuracy of code models. 2 claims were extracted from source literature; "
            '1 was independently verified against retrieved documents."',
            "0%",
            id="only the restated question and boilerplate",
        ),
    ],
)
def test_an_abstract_off_its_question_warns(archive: Archive, abstract: str, share: str) -> None:
    text = archive.synthesis_text().replace(ABSTRACT, abstract)
    path = archive.add_synthesis(text=text)

    findings = archive.validate()

    assert findings == [
        Finding(
            path,
            *position(text, abstract),
            "SL601",
            WARNING,
            f"the abstract shares {share} {OFF_TOPIC}",
        )
    ]
    assert exit_status(findings) == 0
    assert exit_status(findings, strict=True) == 1


# --- SL602 ----------------------------------------------------------------------------


def test_claims_off_the_question_warn(archive: Archive) -> None:
    text = archive.synthesis_text()
    text = text.replace(C1, "Deep ensembles exacerbate membership inference attacks.")
    text = text.replace(C2, "Under-fitted ensembles improve privacy.")
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, "- id: c1"),
            "SL602",
            WARNING,
            "the claims share 0% of the research question's subject terms: they seem to answer "
            "a different question. Check them against the question",
        )
    ]


# --- SL603 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ending",
    ["models.", "models?", "models!", 'models."', "models.)", "models.\u201d", "models.  "],
)
def test_a_claim_ending_as_a_sentence_passes(archive: Archive, ending: str) -> None:
    claim = C1.replace("models.", ending).replace('"', '\\"')
    archive.add_synthesis(text=archive.synthesis_text().replace(C1, claim))

    assert archive.validate() == []


@pytest.mark.parametrize(
    ("cut", "ending"),
    [
        (
            "Eight-bit weight quantization halves the latency of code completion mod",
            "completion mod",
        ),
        (
            "Eight-bit weight quantization halves the latency of code completion models",
            "completion models",
        ),
        ("Eight-bit", "Eight-bit"),
    ],
)
def test_a_claim_cut_off_mid_word_warns_at_its_text(
    archive: Archive, cut: str, ending: str
) -> None:
    text = archive.synthesis_text().replace(C1, cut)
    path = archive.add_synthesis(text=text)

    assert archive.validate() == [
        Finding(
            path,
            *position(text, f'"{cut}"'),
            "SL603",
            WARNING,
            f"claim 'c1' ends '…{ending}' ({len(cut)} characters) without closing punctuation: "
            "it looks cut off mid-word. The archive keeps it as published; if the full text is "
            "known, add a correction of kind clarification",
        )
    ]

"""The BibTeX writer's shortcut past latexcodec gives exactly what latexcodec gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database.output.bibtex import Writer

from synthledger.publishing.exports.bibtex import _kept_as_is, _Writer

ASCII = st.characters(max_codepoint=127)
ANY = st.characters(exclude_categories=["Cs"])  # a lone surrogate: latexcodec refuses it
KEPT = st.sampled_from(sorted(_kept_as_is()))
PYBTEX = Writer(encoding="UTF-8")


def test_the_characters_kept_are_those_latexcodec_keeps() -> None:
    assert set(map(chr, range(128))) - _kept_as_is() == set("#%&_~")


@settings(max_examples=2000)
@given(st.text(alphabet=st.one_of(KEPT, ASCII, ANY), max_size=80))
def test_the_writer_encodes_as_pybtex_does(text: str) -> None:
    assert _Writer(encoding="UTF-8")._encode(text) == PYBTEX._encode(text)


@settings(max_examples=2000)
@given(st.text(alphabet=KEPT, max_size=200))
def test_a_text_of_kept_characters_is_given_back_whole(text: str) -> None:
    assert PYBTEX._encode(text) == text

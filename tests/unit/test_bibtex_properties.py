"""The BibTeX writer's shortcuts past latexcodec and pybtex's brace scan give what they give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.bibtex.exceptions import BibTeXError
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


BRACED = st.lists(st.sampled_from(["{", "}", "{}", "a", "\\", " "]), max_size=40).map("".join)


def _refused(writer: Writer, text: str) -> bool:
    try:
        writer.check_braces(text)
    except BibTeXError:
        return True
    return False


@settings(max_examples=1000)
@given(BRACED)
def test_the_writer_refuses_the_braces_pybtex_refuses(text: str) -> None:
    assert _refused(_Writer(encoding="UTF-8"), text) == _refused(PYBTEX, text)


@pytest.mark.parametrize("text", ["{", "a{b", "{{}", "}{", "{}{"])
def test_an_open_brace_is_refused(text: str) -> None:
    assert _refused(_Writer(encoding="UTF-8"), text)

"""Warnings about content: drift off the research question, claims cut off mid-word."""

from __future__ import annotations

import re
from collections.abc import Iterator

from synthledger.checking.rules.base import Hit, RecordContext, rule
from synthledger.deriving.subject import shared_share, substance
from synthledger.deriving.view import listed_claims
from synthledger.layout import FileKind

# A synthesis on-topic shares well over half of its question's subject terms;
# under a third means it is about something else.
MIN_SHARED = 1 / 3
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")
_LAST_WORDS = re.compile(r"\S+\s+\S+$|\S+$")


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


@rule("SL601", [FileKind.SYNTHESIS])
def abstract_on_topic(ctx: RecordContext) -> Iterator[Hit]:
    question, abstract = ctx.data.get("research_question"), ctx.data.get("abstract")
    if not isinstance(question, str) or not isinstance(abstract, str):
        return
    share = shared_share(question, substance(abstract))
    if share < MIN_SHARED:
        yield Hit(
            ("abstract",),
            f"the abstract shares {_percent(share)} of the research question's subject "
            "terms once the restated question and boilerplate are set aside: it seems to "
            "be about something else. Check the synthesis against its question; if it is "
            "off topic, issue an expression-of-concern or correction",
        )


@rule("SL602", [FileKind.SYNTHESIS])
def claims_on_topic(ctx: RecordContext) -> Iterator[Hit]:
    question = ctx.data.get("research_question")
    texts = [c["text"] for c in listed_claims(ctx.data) if isinstance(c.get("text"), str)]
    if not isinstance(question, str) or not texts:
        return
    share = shared_share(question, " ".join(texts))
    if share < MIN_SHARED:
        yield Hit(
            ("claims", "items"),
            f"the claims share {_percent(share)} of the research question's subject terms: "
            "they seem to answer a different question. Check them against the question",
        )


@rule("SL603", [FileKind.SYNTHESIS])
def claim_not_cut_off(ctx: RecordContext) -> Iterator[Hit]:
    for index, claim in enumerate(listed_claims(ctx.data)):
        text = claim.get("text")
        if not isinstance(text, str) or _ENDS_SENTENCE.search(text.rstrip()):
            continue
        tail = _LAST_WORDS.search(text.rstrip())
        ending = tail.group(0) if tail else text
        yield Hit(
            ("claims", "items", index, "text"),
            f"claim {claim.get('id')!r} ends '…{ending}' ({len(text)} characters) without "
            "closing punctuation: it looks cut off mid-word. The archive keeps it as "
            "published; if the full text is known, add a correction of kind clarification",
        )

"""Subject terms: a crude but stable measure of what a text is about.

Used to warn when an abstract or the claims drift away from the research
question. Deterministic and dependency-free on purpose: the same text gives
the same terms on every machine.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*[a-z0-9]|[a-z0-9]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

STOPWORDS = frozenset(
    """
    about above across after again against also among and any are because been before being
    below between both but can could did does doing done down during each either else even
    ever every few for from further had has have having here how however into its itself
    just least less many may might more most much must near neither nor not now off once
    only other others our ours out over own same several shall should since some such than
    that the their theirs them then there these they this those through thus too under
    until upon very was were what when where whether which while who whom whose why will
    with within without would yet you your report paper papers study studies research
    question findings following addressing synthesis synthesises literature review
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

# Sentences every machine-generated abstract carries; they say nothing of its subject.
BOILERPLATE = (
    "research question:",
    "claims were extracted",
    "claim was extracted",
    "quality assessment produced",
    "machine-generated literature synthesis",
)


def terms(text: str) -> set[str]:
    """Lower-cased content words, plural and possessive endings folded."""
    found: set[str] = set()
    for token in _TOKEN.findall(text.lower()):
        token = token.removesuffix("'s")
        if token in STOPWORDS or (len(token) < 4 and not any(c.isdigit() for c in token)):
            continue
        if token.endswith("s") and not token.endswith("ss") and len(token) > 4:
            token = token[:-1]
        found.add(token)
    return found


def substance(text: str) -> str:
    """``text`` without its boilerplate sentences."""
    kept = [
        sentence
        for sentence in _SENTENCE_END.split(text)
        if not any(marker in sentence.lower() for marker in BOILERPLATE)
    ]
    return " ".join(kept)


def shared_share(question: str, text: str) -> float:
    """The share of the question's subject terms that ``text`` also uses (0 to 1)."""
    wanted = terms(question)
    if not wanted:
        return 1.0
    return len(wanted & terms(text)) / len(wanted)

"""Identifiers checked exactly by their schemes: arXiv, DOI, ORCID iD, handle, URL.

Each check returns None for a well-formed identifier, or why it is not one in
a few words; the rules add how to write it. The ORCID check digit comes from
python-stdnum (ISO 7064 MOD 11-2). No library knows arXiv's two eras, so
those rules are written out here, from arXiv's own documentation
(https://info.arxiv.org/help/arxiv_identifier.html):

- since April 2007, ``YYMM.NNNN`` up to 1412 and ``YYMM.NNNNN`` from 1501 on;
- from August 1991 to March 2007, ``archive(.subject)/YYMMNNN``;
- either with an optional version ``vN``, counting from v1.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

_NEW_ARXIV = re.compile(r"(\d\d)(\d\d)\.(\d+)(?:v(\d+))?")
_OLD_ARXIV = re.compile(r"([a-z-]+)(?:\.([A-Z]{2}))?/(\d\d)(\d\d)(\d+)(?:v(\d+))?")
# The archives that had identifiers of the old scheme (q-fin and stat came later).
OLD_ARXIV_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
        "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
        "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th",
        "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio",
        "quant-ph", "solv-int", "supr-con",
    }
)  # fmt: skip
NEW_ARXIV_FROM = "0704"  # April 2007
FIVE_DIGITS_FROM = "1501"  # January 2015
OLD_ARXIV_FROM, OLD_ARXIV_UNTIL = "199108", "200703"

# DOI Handbook, section 2: "10." and a registrant code of digits (with optional
# dot-separated subdivisions), "/", and a suffix of any printable characters.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_HANDLE = re.compile(r"\d+(?:\.\d+)*/\S+")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_ORCID_HOSTS = frozenset({"orcid.org", "www.orcid.org", "sandbox.orcid.org"})
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def arxiv_problem(text: str) -> str | None:
    new = _NEW_ARXIV.fullmatch(text)
    if new is not None:
        year, month, number, version = new.groups()
        yymm = year + month
        if not 1 <= int(month) <= 12:
            return f"there is no month {month}"
        if yymm < NEW_ARXIV_FROM:
            return (
                f"identifiers of the form YYMM.NNNN start in {NEW_ARXIV_FROM} (April 2007); "
                "an earlier paper has one like hep-th/9901001"
            )
        digits = 4 if yymm < FIVE_DIGITS_FROM else 5
        if len(number) != digits:
            era = "up to 1412" if digits == 4 else "from 1501 on"
            return f"{era} the number after the dot has {digits} digits, not {len(number)}"
        return _version_problem(version)
    old = _OLD_ARXIV.fullmatch(text)
    if old is not None:
        archive, _subject, year, month, number, version = old.groups()
        if archive not in OLD_ARXIV_ARCHIVES:
            return f"there is no arXiv archive {archive!r}"
        if not 1 <= int(month) <= 12:
            return f"there is no month {month}"
        yyyymm = ("19" if year >= "91" else "20") + year + month
        if not OLD_ARXIV_FROM <= yyyymm <= OLD_ARXIV_UNTIL:
            return "identifiers of the form archive/YYMMNNN run from 9108 to 0703"
        if len(number) != 3 or number == "000":
            return f"the number after YYMM has 3 digits from 001, not {number!r}"
        return _version_problem(version)
    return "not of the form YYMM.NNNNN or archive/YYMMNNN"


def _version_problem(version: str | None) -> str | None:
    if version is not None and (version.startswith("0")):
        return f"versions count from v1, so v{version} does not exist"
    return None


def doi_problem(text: str) -> str | None:
    if _DOI.fullmatch(text) is None or _CONTROL.search(text):
        return "not 10.<registrant>/<suffix>"
    return None


def handle_problem(text: str) -> str | None:
    if _HANDLE.fullmatch(text) is None or _CONTROL.search(text):
        return "not <prefix>/<suffix>"
    return None


def orcid_problem(text: str) -> str | None:
    if _ORCID.fullmatch(text) is None:
        return "not four groups of four digits, the last one ending in a digit or X"
    from stdnum.iso7064 import mod_11_2  # only here: it imports pydoc and ssl, 20 ms a hook

    if not mod_11_2.is_valid(text.replace("-", "")):
        return "its check digit (the last character) does not match the other 15"
    return None


def split_url(text: str) -> SplitResult | None:
    """``text`` split as a URL, with its port read; None where urllib cannot do either
    (an unclosed ``[`` of an IPv6 host, a port that is not a number)."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return None
    return parts


def url_problem(text: str) -> str | None:
    """An absolute http(s) URL with a host name or address, no spaces or controls;
    a link to an ORCID record must carry a valid ORCID iD."""
    if _CONTROL.search(text) or any(char.isspace() for char in text):
        return "it holds a space or control character"
    parts = split_url(text)
    if parts is None:
        return "it cannot be parsed"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not http:// or https:// and a host"
    host = parts.hostname
    if not _is_address(host) and not all(
        _HOST_LABEL.fullmatch(label) for label in _ascii_host(host).split(".")
    ):
        return f"{host!r} is not a host name"
    if host in _ORCID_HOSTS:
        orcid = parts.path.strip("/")
        problem = orcid_problem(orcid)
        if problem is not None:
            return f"{orcid!r} is not an ORCID iD: {problem}"
    return None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ascii_host(host: str) -> str:
    """An internationalised host name in the letters DNS uses (IDNA)."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return "-"  # no label matches

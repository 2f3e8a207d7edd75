"""Plain scalars: the YAML 1.2 core schema, and what a YAML 1.1 reader would read otherwise."""

from __future__ import annotations

import math
import re
from typing import Any

# --- plain scalars -----------------------------------------------------------

# YAML 1.2 core schema.
KEYWORDS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_INT = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")

# A plain scalar that YAML 1.1 or 1.2 reads as anything but text either starts
# like a number or is a short word (null, true, yes, off, <<, ...); all other
# text skips the regular expressions.
NUMBER_START = frozenset("0123456789+-.")
SHORT_WORD = 3  # the longest YAML 1.1 boolean: yes, off

# What YAML 1.1 tools (PyYAML, many others) read differently.
_YAML11_BOOLS = frozenset({"y", "n", "yes", "no", "on", "off"})
_NON_FINITE = re.compile(r"[-+]?\.(?:inf|nan)", re.IGNORECASE)
_TIMESTAMP = re.compile(
    r"""[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
     (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
     (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?""",
    re.VERBOSE,
)
_SEXAGESIMAL = re.compile(
    r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
)
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*(?:[eE][-+][0-9]+)?)?")
_TRAILING_ZERO = re.compile(r"[-+]?[0-9]*\.[0-9]+0(?:[eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
# Floats as YAML 1.1 writes them: a dot, and a sign in the exponent.
_YAML11_FLOAT = re.compile(
    r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
)
_FIX_NUMBER = "quote it if it is a label or version, or write it as"


def resolve(text: str) -> Any:
    """The YAML 1.2 core-schema value of a plain scalar.

    A decimal integer too long for Python to convert stays text; the
    ambiguity check reports it.
    """
    if text in KEYWORDS:
        return KEYWORDS[text]
    if text[0] not in NUMBER_START:
        return text
    if _INT.fullmatch(text):
        try:
            return int(text)
        except ValueError:
            return text
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def ambiguity(text: str, value: Any) -> tuple[str, str] | None:
    """The rule and message for a plain scalar that readers would disagree on."""
    if isinstance(value, str):
        return _text_ambiguity(text)
    if isinstance(value, float):
        return _float_ambiguity(text, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_ambiguity(text, value)
    return None


def _text_ambiguity(text: str) -> tuple[str, str] | None:
    if text.lower() in _YAML11_BOOLS:
        shown = show(text)
        return "SL011", (
            f"{shown} is a boolean in YAML 1.1 but text in YAML 1.2: "
            f"quote it ({shown}) or write true/false"
        )
    if text[0] not in NUMBER_START:
        return None
    shown = show(text)
    if _NON_FINITE.fullmatch(text):
        return "SL014", _non_finite_message(text)
    if _TIMESTAMP.fullmatch(text):
        return "SL012", (
            f"unquoted date {shown}: YAML 1.1 tools turn it into a date object: quote it: {shown}"
        )
    if _SEXAGESIMAL.fullmatch(text):
        number = _number_text(_base60(text))
        return "SL013", (
            f"{shown} is read as the base-60 number {number} by YAML 1.1 tools "
            f"and as text by YAML 1.2: {_FIX_NUMBER} {number}"
        )
    if "_" in text and _UNDERSCORED.fullmatch(text):
        cleaned = text.replace("_", "")
        number = _number_text(float(cleaned) if "." in cleaned else int(cleaned))
        return "SL013", (
            f"{shown} is read as the number {number} by YAML 1.1 tools "
            f"and as text by YAML 1.2: {_FIX_NUMBER} {number}"
        )
    if _INT.fullmatch(text):
        return "SL013", (
            f"number {show(text[:20] + '...')} has {len(text.lstrip('+-'))} digits, "
            "too many to read: quote it if it is a label or identifier, or shorten it"
        )
    return None


def _float_ambiguity(text: str, value: float) -> tuple[str, str] | None:
    if not math.isfinite(value):
        return "SL014", _non_finite_message(text)
    number = _float_text(value)
    if _TRAILING_ZERO.fullmatch(text):
        return "SL013", (
            f"{show(text)} is read as the number {number}, losing the trailing zero: "
            f"{_FIX_NUMBER} {number}"
        )
    if not _YAML11_FLOAT.fullmatch(text):  # 1e5, 1.5e5, +.5
        return "SL013", _read_as_text_message(text, number)
    return None


def _int_ambiguity(text: str, value: int) -> tuple[str, str] | None:
    if _OCTAL.fullmatch(text):  # 0o17
        return "SL013", _read_as_text_message(text, repr(value))
    if not _LEADING_ZERO.fullmatch(text):
        return None
    digits = text.lstrip("+-")
    if not set(digits) <= set("01234567"):  # 09
        return "SL013", _read_as_text_message(text, repr(value))
    legacy = -int(digits, 8) if text[0] == "-" else int(digits, 8)
    return "SL013", (
        f"{show(text)} is read as octal {legacy} by YAML 1.1 tools and as {value} by YAML 1.2: "
        f"{_FIX_NUMBER} {value}"
    )


def _read_as_text_message(text: str, number: str) -> str:
    return (
        f"{show(text)} is read as text by YAML 1.1 tools and as the number {number} "
        f"by YAML 1.2: {_FIX_NUMBER} {number}"
    )


def _number_text(value: int | float) -> str:
    return _float_text(value) if isinstance(value, float) else repr(value)


def _float_text(value: float) -> str:
    """``value`` written so that YAML 1.1 and 1.2 both read this float: 1.0e+20, not 1e+20."""
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


def _non_finite_message(text: str) -> str:
    shown = show(text)
    return (
        f"{shown} is not a finite number and has no JSON form: "
        f"write a finite number, or quote it ({shown}) if it is text"
    )


def _base60(text: str) -> int | float:
    """The value YAML 1.1 gives a sexagesimal scalar such as ``1:30`` (90)."""
    number: int | float = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        number = number * 60 + (float(part) if "." in part else int(part))
    return -number if text[0] == "-" else number


def show(text: str) -> str:
    """``text`` quoted as YAML would quote it, shortened and on one line."""
    if len(text) > 60:
        text = text[:57] + "..."
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return "'" + text.replace("'", "''") + "'"


def show_tag(tag: str) -> str:
    """A tag as it is usually written: ``!!str`` rather than its full URI."""
    prefix = "tag:yaml.org,2002:"
    return show("!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag)

"""Identifiers of the domain: the USCC (GB 32100-2015) and GB/T 4754 industry classes."""

from __future__ import annotations

import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_SHAPE = re.compile(f"^[{USCC_ALPHABET}]{{18}}$")
# Section letter A-T followed by a division (2 digits), group (3) or class (4).
_INDUSTRY_SHAPE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})$")


def uscc_check_character(first17: str) -> str:
    """The 18th character of a USCC, from its first 17 (weights 3^i mod 31)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why `value` is not a valid USCC, or None when it is."""
    if len(value) != 18:
        return "a USCC has exactly 18 characters"
    if not _USCC_SHAPE.match(value):
        return f"a USCC uses only the characters {USCC_ALPHABET} (no I, O, S, V or Z)"
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        return f"check character is {value[17]!r}, the first 17 characters require {expected!r}"
    return None


def industry_problem(value: str) -> str | None:
    """Why `value` is not a GB/T 4754 class code such as 'C3825', or None."""
    if not _INDUSTRY_SHAPE.match(value):
        return "a GB/T 4754 code is a section letter A-T and 2-4 digits, e.g. 'C3825'"
    return None

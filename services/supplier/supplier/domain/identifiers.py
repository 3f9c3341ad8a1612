"""Identifier syntax: URNs (RFC 8141) and ISO 3166-1 alpha-2 country codes."""

import re
from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator, WithJsonSchema

_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_COMPONENT = rf"{_PCHAR}(?:{_PCHAR}|[/?])*"
URN_PATTERN = (
    rf"^[uU][rR][nN]:(?P<nid>[A-Za-z0-9][A-Za-z0-9-]{{0,30}}[A-Za-z0-9])"
    rf":(?P<nss>{_PCHAR}(?:{_PCHAR}|/)*)"
    rf"(?:\?\+{_COMPONENT})?(?:\?={_COMPONENT})?(?:#(?:{_PCHAR}|[/?])*)?$"
)
_URN_RE = re.compile(URN_PATTERN)
_NSS_SAFE = "-._~!$&'()*+,;=@"

# Officially assigned ISO 3166-1 alpha-2 codes (249; user-assigned codes like XK excluded).
_ALPHA2_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW"
)
ISO_3166_ALPHA2: frozenset[str] = frozenset(_ALPHA2_CODES.split())


def is_urn(value: str) -> bool:
    """True for ``urn:<NID>:<NSS>`` per RFC 8141 (NID 2-32 letters, digits, hyphens)."""
    return _URN_RE.match(value) is not None


def urn_key(value: str) -> str:
    """A comparison key: the ``urn:`` prefix and the NID are case-insensitive (RFC 8141 §3)."""
    match = _URN_RE.match(value)
    if match is None:
        return value
    return f"urn:{match['nid'].lower()}:{value[match.start('nss') :]}"


def buyer_assigned_company_urn(code: str) -> str:
    """``urn:pact:company:customcode:buyer-assigned:<code>``, percent-encoding what needs it."""
    return "urn:pact:company:customcode:buyer-assigned:" + quote(code, safe=_NSS_SAFE)


def _check_urn(value: str) -> str:
    if not is_urn(value):
        raise ValueError(f"{value!r} is not a URN of the form urn:<namespace>:<specific-string> (RFC 8141)")
    return value


def _check_country(value: str) -> str:
    if value not in ISO_3166_ALPHA2:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as 'CN'")
    return value


Urn = Annotated[
    str,
    AfterValidator(_check_urn),
    WithJsonSchema({"type": "string", "format": "urn", "pattern": "^[uU][rR][nN]:"}),
]
CountryCode = Annotated[
    str,
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}),
]

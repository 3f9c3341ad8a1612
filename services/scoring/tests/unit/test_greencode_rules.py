"""When codes are issued, superseded and revoked; which label a footprint earns; QR and badges."""

from __future__ import annotations

import io
import uuid
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from scoring.greencode.issuing import Action, CurrentCode, Standing, decide
from scoring.greencode.labels import FootprintFacts, label_for, load_benchmarks
from scoring.greencode.render import badge_svg, qr_png, verification_url
from scoring.greencode.statements import GreenCodeStatement, Position

A_QUALIFIED = Standing(rated=True, band="Qualified-plus", grade="A", industry_grade="A+")
CODE = CurrentCode(band="Qualified-plus", grade="A", industry_grade="A+")


@pytest.mark.parametrize(
    ("standing", "current", "action"),
    [
        (A_QUALIFIED, None, Action.ISSUE),
        (A_QUALIFIED, CODE, Action.KEEP),
        (Standing(True, "Leading", "A", "A+"), CODE, Action.SUPERSEDE),
        (Standing(True, "Qualified-plus", "B", "A+"), CODE, Action.SUPERSEDE),
        (Standing(True, "Qualified-plus", "A", "A"), CODE, Action.SUPERSEDE),
        (Standing(True, "Non-compliant", "A", "A+", failed_gates=("G1",)), CODE, Action.REVOKE),
        (Standing(False, "Unrated", None, None), CODE, Action.REVOKE),
        (Standing(True, "Non-compliant", "B", "B"), CODE, Action.REVOKE),
        (Standing(False, "Unrated", None, None), None, Action.NONE),
        (Standing(True, "Non-compliant", "B", "B"), None, Action.NONE),
    ],
)
def test_code_decisions(standing, current, action):
    assert decide(current, standing).action is action


def test_a_revocation_names_the_failed_gate():
    decision = decide(CODE, Standing(True, "Non-compliant", "A", "A+", failed_gates=("G1", "G3")))
    assert decision.reason == "gate failed: G1, G3"


BENCHMARKS = load_benchmarks()
STEEL = ("urn:pact:productclassification:un-cpc:4121",)


def facts(value: str, *, verified: bool = True, offsets: bool = False) -> FootprintFacts:
    return FootprintFacts(Decimal(value), "kilogram", STEEL, verified, offsets)


def test_only_verified_footprints_get_labels():
    assert label_for(facts("1.0", verified=False), BENCHMARKS) is None


def test_label_types():
    assert label_for(facts("1.0", offsets=True), BENCHMARKS).label_type == "carbon_neutral"
    reduction = label_for(facts("1.05"), BENCHMARKS)
    assert (reduction.label_type, reduction.reduction_pct) == ("reduction", Decimal("50.0"))
    assert label_for(facts("2.10"), BENCHMARKS).label_type == "footprint"  # equal is not below


def test_the_qr_decodes_to_the_verification_url():
    url = verification_url("https://verify.example.com/", "a.b.c" * 150)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))
    assert [result.text for result in decoded] == [url]


def test_the_badge_shows_grade_year_and_escapes_the_name():
    statement = GreenCodeStatement(
        jti=uuid.uuid4(),
        iat=0,
        exp=1,
        supplier_id=uuid.uuid4(),
        legal_name="Tom & Jerry <Fasteners>",
        year=2026,
        overall=Position(grade="A+", percentile=Decimal(99), rank=1, population=50),
        industry=Position(grade="A", percentile=Decimal(80), rank=2, population=5),
        industry_code="C3825",
        band="Leading",
        score=Decimal("90.00"),
        model_version="2026.1",
    )
    svg = badge_svg(statement, "https://v.example/v1/verify?token=x")
    assert ">A+</text>" in svg
    assert "2026" in svg
    assert "Tom &amp; Jerry &lt;Fasteners&gt;" in svg

"""Policy evaluation, clause by clause: allow, allow_with_conditions and deny, and monotonicity."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gateway.domain.policies import BANDS, GRADES, FootprintLimit, MinimumGrade, PolicyRules
from gateway.domain.procurement import (
    DECISIONS,
    CredentialFacts,
    Evidence,
    FootprintFacts,
    Lane,
    ProductLine,
    ScorecardFacts,
    evaluate,
)

TODAY = date(2026, 11, 21)
BOLT = "urn:pact:product:gtin:04012345678901"


def card(
    band: str = "Qualified-plus", overall: str | None = "A", industry: str | None = "A+"
) -> ScorecardFacts:
    return ScorecardFacts(2025, "2026.1", band, Decimal("81.5"), overall, industry)


def iso(state: str = "verified", days_left: int | None = 400, cid: str = "c1") -> CredentialFacts:
    expires = None if days_left is None else TODAY + timedelta(days=days_left)
    return CredentialFacts(cid, "iso_14001", state, expires)


def evidence(**overrides: object) -> Evidence:
    values: dict = {"today": TODAY, "scorecard": card(), "credentials": (iso(),), "footprints": {}}
    return Evidence(**(values | overrides))


def check(rules: PolicyRules, ev: Evidence | None = None, products=(), lanes=()):
    return evaluate(rules, products=list(products), lanes=list(lanes), evidence=ev or evidence())


def clauses(result, outcome: str) -> list[str]:
    return [r.clause for r in result.reasons if r.outcome == outcome]


def test_an_empty_policy_allows_everything():
    result = check(PolicyRules())
    assert result.decision == "allow"
    assert result.reasons == ()


@pytest.mark.parametrize(
    ("band", "decision"),
    [("Leading", "allow"), ("Qualified-plus", "allow"), ("Qualified", "deny"), ("Non-compliant", "deny")],
)
def test_minimum_band(band, decision):
    result = check(PolicyRules(min_band="Qualified-plus"), evidence(scorecard=card(band)))
    assert result.decision == decision
    (reason,) = result.reasons
    assert reason.clause == "min_band"
    assert reason.evidence["scorecard_year"] == 2025
    assert reason.evidence["model_version"] == "2026.1"


def test_unrated_and_missing_scorecards_fail_a_minimum_band():
    assert check(PolicyRules(min_band="Conditional"), evidence(scorecard=card("Unrated"))).decision == "deny"
    result = check(PolicyRules(min_band="Conditional"), evidence(scorecard=None))
    assert result.decision == "deny"
    assert result.reasons[0].code == "no_scorecard"


def test_minimum_grade_overall_and_within_the_industry():
    overall = PolicyRules(min_grade=MinimumGrade(grade="A+", scope="overall"))
    industry = PolicyRules(min_grade=MinimumGrade(grade="A+", scope="industry"))
    assert check(overall).decision == "deny"
    assert check(industry).decision == "allow"
    assert check(industry, evidence(scorecard=card(industry=None))).reasons[0].code == "grade_below_minimum"


def test_required_credential_must_be_verified_and_unexpired():
    rules = PolicyRules(required_credentials=["iso_14001"])
    assert check(rules).decision == "allow"
    for credentials in [(), (iso(state="submitted"),), (iso(days_left=-1),), (iso(state="revoked"),)]:
        result = check(rules, evidence(credentials=credentials))
        assert result.decision == "deny", credentials
        assert result.reasons[0].clause == "required_credential:iso_14001"
        assert result.reasons[0].code == "credential_missing"
    assert (
        check(rules, evidence(credentials=(iso(days_left=0),))).decision == "allow"
    )  # valid on its last day


def test_a_credential_expiring_within_the_warning_is_a_condition():
    rules = PolicyRules(required_credentials=["iso_14001"], credential_expiry_warning_days=60)
    result = check(rules, evidence(credentials=(iso(days_left=30, cid="soon"),)))
    assert result.decision == "allow_with_conditions"
    (warning,) = [r for r in result.reasons if r.outcome == "condition"]
    assert warning.clause == "credential_expiry_warning"
    assert warning.evidence == {
        "credential_id": "soon",
        "type": "iso_14001",
        "expires_on": "2026-12-21",
        "days_left": 30,
        "warning_days": 60,
    }
    assert check(rules, evidence(credentials=(iso(days_left=90),))).decision == "allow"


def limits(maximum: str = "2.5", unit: str = "kilogram") -> PolicyRules:
    return PolicyRules(
        max_footprints=[
            FootprintLimit(category="fasteners", declared_unit=unit, max_kgco2e_per_unit=Decimal(maximum))
        ]
    )


def bolts(quantity: str = "100") -> ProductLine:
    return ProductLine(BOLT, "fasteners", Decimal(quantity), "kilogram")


def with_footprint(value: str, unit: str = "kilogram") -> Evidence:
    return evidence(footprints={BOLT: FootprintFacts("fp-1", unit, Decimal(value))})


def test_footprint_above_the_maximum_denies_with_its_evidence():
    result = check(limits(), with_footprint("3.1"), products=[bolts()])
    assert result.decision == "deny"
    (reason,) = result.reasons
    assert reason.clause == "max_footprint:fasteners"
    assert reason.code == "footprint_above_maximum"
    assert reason.evidence["footprint_id"] == "fp-1"
    assert reason.evidence["pcf_kgco2e_per_unit"] == "3.1"
    assert reason.evidence["total_kgco2e"] == "310.0"


def test_footprint_within_the_maximum_allows_and_other_categories_are_not_checked():
    assert check(limits(), with_footprint("2.5"), products=[bolts()]).decision == "allow"
    other = ProductLine("urn:pact:product:x:1", "paint", Decimal(1))
    assert check(limits(), evidence(), products=[other]).reasons == ()


def test_missing_footprint_or_another_unit_is_a_condition():
    missing = check(limits(), evidence(), products=[bolts()])
    assert missing.decision == "allow_with_conditions"
    assert missing.reasons[0].code == "footprint_missing"
    unit = check(limits(), with_footprint("0.1", unit="piece"), products=[bolts()])
    assert unit.decision == "allow_with_conditions"
    assert unit.reasons[0].code == "declared_unit_mismatch"


def test_logistics_intensity_per_lane():
    rules = PolicyRules(max_logistics_intensity_gco2e_per_tkm=Decimal(100))
    road = Lane("road", Decimal(850), Decimal("1.2"), Decimal(95), "carrier")
    air = Lane("air", Decimal(2000), None, Decimal(602), "carrier")
    unknown = Lane("sea", Decimal(9000))
    assert check(rules, lanes=[road]).decision == "allow"
    assert check(rules, lanes=[road]).reasons[0].evidence["emissions_kgco2e"] == "96.9"
    assert check(rules, lanes=[road, unknown]).decision == "allow_with_conditions"
    result = check(rules, lanes=[road, air, unknown])
    assert result.decision == "deny"
    assert clauses(result, "deny") == ["max_logistics_intensity"]
    assert result.reasons[1].evidence["lane_index"] == 1


def test_policy_rejects_two_limits_for_one_category():
    limit = {"category": "fasteners", "declared_unit": "kilogram", "max_kgco2e_per_unit": "1"}
    with pytest.raises(ValidationError):
        PolicyRules.model_validate({"max_footprints": [limit, limit]})


# --- a stricter policy never turns a deny into an allow -----------------------------------------

bands = st.sampled_from((*BANDS, "Unrated"))
grades = st.sampled_from((*GRADES, None))
credential_states = st.sampled_from(["verified", "submitted", "revoked", "expired"])
amounts = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(500), places=1)


@st.composite
def situations(draw):
    scorecard = draw(st.none() | st.builds(card, bands, grades, grades))
    credentials = tuple(
        CredentialFacts(
            f"c{i}", kind, draw(credential_states), TODAY + timedelta(days=draw(st.integers(-30, 400)))
        )
        for i, kind in enumerate(draw(st.lists(st.sampled_from(["iso_14001", "iso_50001"]), max_size=3)))
    )
    footprints = {BOLT: FootprintFacts("fp", "kilogram", draw(amounts))} if draw(st.booleans()) else {}
    lanes = [
        Lane("road", Decimal(100), None, draw(st.none() | amounts)) for _ in range(draw(st.integers(0, 2)))
    ]
    return Evidence(TODAY, scorecard, credentials, footprints), lanes


@st.composite
def policy_pairs(draw):
    """(looser, stricter): every rule of the stricter one is at least as demanding."""
    band_index = draw(st.integers(-1, len(BANDS) - 1))
    raise_band = draw(st.integers(0, len(BANDS) - 1 - band_index))
    grade_index = draw(st.integers(-1, len(GRADES) - 1))
    raise_grade = draw(st.integers(0, len(GRADES) - 1 - grade_index))
    required = draw(st.sets(st.sampled_from(["iso_14001", "iso_50001"])))
    more = required | draw(st.sets(st.sampled_from(["iso_14001", "iso_50001"])))
    footprint_max, lower_footprint = draw(st.none() | amounts), draw(amounts)
    intensity_max, lower_intensity = draw(st.none() | amounts), draw(amounts)
    warning, more_warning = draw(st.none() | st.integers(0, 200)), draw(st.integers(0, 200))

    def rules(band, grade, creds, fp, intensity, days) -> PolicyRules:
        return PolicyRules(
            min_band=None if band < 0 else BANDS[band],
            min_grade=None if grade < 0 else MinimumGrade(grade=GRADES[grade]),
            required_credentials=sorted(creds),
            max_footprints=[]
            if fp is None
            else [FootprintLimit(category="fasteners", declared_unit="kilogram", max_kgco2e_per_unit=fp)],
            max_logistics_intensity_gco2e_per_tkm=intensity,
            credential_expiry_warning_days=days,
        )

    looser = rules(band_index, grade_index, required, footprint_max, intensity_max, warning)
    stricter = rules(
        band_index + raise_band,
        grade_index + raise_grade,
        more,
        min(footprint_max, lower_footprint) if footprint_max is not None else lower_footprint,
        min(intensity_max, lower_intensity) if intensity_max is not None else lower_intensity,
        max(warning, more_warning) if warning is not None else more_warning,
    )
    return looser, stricter


@given(policy_pairs(), situations())
def test_a_stricter_policy_never_gives_a_better_decision(pair, situation):
    looser, stricter = pair
    ev, lanes = situation
    products = [bolts()]
    loose_decision = evaluate(looser, products=products, lanes=lanes, evidence=ev).decision
    strict_decision = evaluate(stricter, products=products, lanes=lanes, evidence=ev).decision
    assert DECISIONS.index(strict_decision) >= DECISIONS.index(loose_decision)

"""Reading upstream documents tolerantly, expiring credentials, and policy documents."""

from datetime import date
from decimal import Decimal

from gateway.domain.compliance import active_footprint, compose, latest, scorecard_facts
from gateway.domain.policies import PolicyRules

TODAY = date(2026, 11, 21)


def test_the_latest_scorecard_is_the_newest_year_whatever_the_order():
    assert latest([{"year": 2024}, {"year": 2025}, {"year": 2023}]) == {"year": 2025}
    assert latest([]) is None


def test_scorecard_grades_and_gates_in_either_spelling():
    flat = scorecard_facts(
        {
            "year": 2025,
            "model_version": "2026.1",
            "band": "Leading",
            "score": "88.0",
            "grade": "A+",
            "industry_grade": "A",
            "gates": [{"gate": "G1", "passed": True}, {"gate": "G2", "passed": False}],
        }
    )
    nested = scorecard_facts(
        {
            "year": 2025,
            "model_version": "2026.1",
            "band": "Leading",
            "score": 88,
            "grades": {"overall": {"grade": "A+"}, "industry": {"grade": "A"}},
            "gates": {"G1": True, "G2": False},
        }
    )
    for facts in (flat, nested):
        assert (facts.grade_overall, facts.grade_industry) == ("A+", "A")
        assert facts.failed_gates == ("G2",)
        assert facts.score == Decimal(88)


def test_gates_of_an_explained_scorecard():
    detail = {
        "year": 2025,
        "model_version": "2026.1",
        "band": "Non-compliant",
        "card": {"gates": [{"gate_id": "G1", "passed": False, "reason": "permit expired"}]},
    }
    assert scorecard_facts(detail).failed_gates == ("G1",)


def test_compose_lists_valid_credentials_expiring_within_the_window_soonest_first():
    credentials = [
        {"id": "late", "type": "iso_9001", "state": "verified", "expires_on": "2027-06-01"},
        {"id": "soon", "type": "iso_14001", "state": "verified", "expires_on": "2026-12-01"},
        {"id": "mid", "type": "iso_50001", "state": "verified", "expires_on": "2027-01-15"},
        {"id": "gone", "type": "iso_45001", "state": "verified", "expires_on": "2026-11-01"},
        {"id": "draft", "type": "iso_45001", "state": "submitted", "expires_on": "2026-12-01"},
    ]
    view = compose(supplier_id="s", card=None, credentials=credentials, today=TODAY, window_days=90)
    assert [(e.credential_id, e.days_left) for e in view.expiring_credentials] == [("soon", 10), ("mid", 55)]
    assert view.scorecard is None


def test_active_footprint_reads_pact_documents_and_skips_deprecated_ones():
    docs = [
        {
            "id": "old",
            "status": "Deprecated",
            "created": "2026-01-01T00:00:00Z",
            "pcf": {"declaredUnitOfMeasurement": "kilogram", "pcfExcludingBiogenicUptake": "1.0"},
        },
        {
            "id": "new",
            "status": "Active",
            "created": "2026-05-01T00:00:00Z",
            "pcf": {"declaredUnitOfMeasurement": "kilogram", "pcfExcludingBiogenicUptake": "2.25"},
        },
    ]
    facts = active_footprint(docs)
    assert facts is not None
    assert (facts.id, facts.pcf_kgco2e_per_unit) == ("new", Decimal("2.25"))
    flat = {"footprint_id": "f", "declared_unit": "piece", "pcf_excluding_biogenic_kgco2e": "0.4"}
    assert active_footprint([flat]).declared_unit == "piece"  # type: ignore[union-attr]
    assert active_footprint([docs[0]]) is None


def test_policy_rules_round_trip_through_json_with_decimals_as_strings():
    example = PolicyRules.model_config["json_schema_extra"]["examples"][0]  # type: ignore[index]
    rules = PolicyRules.model_validate(example)
    dumped = rules.model_dump(mode="json")
    assert dumped["max_logistics_intensity_gco2e_per_tkm"] == "120"
    assert PolicyRules.model_validate(dumped) == rules

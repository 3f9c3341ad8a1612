"""Profile and site updates: merge-patch rules, identity fields, versions, events, If-Match parsing."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.contracts.supplier import SupplierUpdated
from shared.contracts.supplier_api import SupplierContact
from shared.problems import Problem
from supplier.api.updates import etag, expected_versions
from supplier.domain.model import FieldNotEditable, StaleVersion, Supplier, check_version, merge_patch
from supplier.domain.sites import Site, SiteDetails

LI = SupplierContact(name="Li Wei", email="li.wei@example.cn")


def registered(**fields) -> Supplier:
    supplier = Supplier.register(
        legal_name="Fujian Green Fasteners Co., Ltd.",
        country="CN",
        industry_code="C3825",
        uscc="91350100M000100Y43",
        registry_id=None,
        **fields,
    )
    supplier.events.clear()
    return supplier


# --- RFC 7396 merge patch -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # examples of RFC 7396 appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ({"a": "foo"}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7396(target, patch, result):
    assert merge_patch(target, patch) == result


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=8,
)
objects = st.dictionaries(st.text(max_size=2), json_values, max_size=4)


@given(target=objects, patch=objects)
def test_merging_the_same_patch_twice_changes_nothing_more(target, patch):
    once = merge_patch(target, patch)
    assert merge_patch(once, patch) == once
    assert merge_patch(target, patch) is not target  # never edits its input in place


# --- supplier profile ---------------------------------------------------------------------------


def test_a_change_bumps_the_version_and_records_the_changed_fields():
    supplier = registered(size="small")

    changed = supplier.apply_patch(
        {"size": "large", "contacts": [{"name": "Li Wei", "email": "li.wei@example.cn"}]}
    )

    assert changed == ["size", "contacts"]
    assert supplier.version == 2
    assert supplier.contacts == [LI]
    [event] = supplier.events
    assert isinstance(event, SupplierUpdated)
    assert (event.version, event.size, event.changed_fields) == (2, "large", ["size", "contacts"])


def test_a_no_op_records_nothing():
    supplier = registered(size="small", contacts=[LI])
    assert supplier.apply_patch({"size": "small", "contacts": [LI.model_dump()], "country": "CN"}) == []
    assert supplier.version == 1
    assert supplier.events == []


def test_null_removes_an_optional_field():
    supplier = registered(size="small", contacts=[LI])
    assert supplier.apply_patch({"size": None, "contacts": None}) == ["size", "contacts"]
    assert (supplier.size, supplier.contacts) == (None, [])


@pytest.mark.parametrize("name", ["uscc", "registry_id", "country"])
def test_identity_fields_cannot_change(name):
    supplier = registered()
    with pytest.raises(FieldNotEditable) as raised:
        supplier.apply_patch({"size": "large", name: "DE"})
    assert raised.value.extensions["errors"][0]["pointer"] == f"#/{name}"
    assert (supplier.size, supplier.version, supplier.events) == (None, 1, [])


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"legal_name": None}, ("legal_name",)),
        ({"industry_code": "X1"}, ("industry_code",)),
        ({"size": "enormous"}, ("size",)),
        ({"contacts": [{"name": "Li", "email": "li@"}]}, ("contacts", 0, "email")),
        ({"website": "https://example.cn"}, ("website",)),
    ],
)
def test_an_invalid_result_is_refused_and_leaves_the_supplier_unchanged(patch, loc):
    supplier = registered()
    with pytest.raises(ValidationError) as raised:
        supplier.apply_patch(patch)
    assert loc in [e["loc"] for e in raised.value.errors()]
    assert supplier.version == 1
    assert supplier.legal_name == "Fujian Green Fasteners Co., Ltd."


def test_a_site_change_moves_the_supplier_version_and_announces_sites():
    supplier = registered()
    supplier.sites_changed()
    [event] = supplier.events
    assert isinstance(event, SupplierUpdated)
    assert (event.version, event.changed_fields) == (2, ["sites"])


# --- sites --------------------------------------------------------------------------------------


def a_site() -> Site:
    details = SiteDetails.model_validate(
        {
            "name": "Mawei plant",
            "address": {"line": "8 Jiangbin East Road", "city": "Fuzhou", "country": "CN"},
            "coordinates": {"latitude": 26.0, "longitude": 119.43},
        }
    )
    return Site.create(supplier_id=uuid.uuid4(), details=details)


def test_a_site_patch_merges_nested_objects():
    site = a_site()
    assert site.apply_patch({"address": {"region": "Fujian"}}) == ["address"]
    assert site.details.address.region == "Fujian"
    assert site.details.address.city == "Fuzhou"
    assert site.version == 2


def test_half_a_position_is_refused():
    site = a_site()
    with pytest.raises(ValidationError) as raised:
        site.apply_patch({"coordinates": {"longitude": None}})
    assert [e["loc"] for e in raised.value.errors()] == [("coordinates", "longitude")]
    assert site.version == 1


def test_a_no_op_site_patch_keeps_the_version():
    site = a_site()
    assert site.apply_patch({"coordinates": {"latitude": 26.0}}) == []
    assert site.version == 1


# --- versions and If-Match ----------------------------------------------------------------------


def test_check_version():
    check_version("supplier", 3, None)
    check_version("supplier", 3, {2, 3})
    with pytest.raises(StaleVersion):
        check_version("supplier", 3, {2})


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        ('"3"', {3}),
        ('"2", "3"', {2, 3}),
        ("*", None),
        ('W/"3"', set()),  # weak tags never match under If-Match's strong comparison
        ('"abc"', set()),
        ("3", set()),
    ],
)
def test_if_match_parsing(header, versions):
    assert expected_versions(header, "supplier") == (None if versions is None else frozenset(versions))


def test_a_missing_if_match_is_428():
    with pytest.raises(Problem) as raised:
        expected_versions(None, "supplier")
    assert raised.value.status == 428


def test_etags_are_strong_and_parse_back():
    assert expected_versions(etag(7), "site") == {7}

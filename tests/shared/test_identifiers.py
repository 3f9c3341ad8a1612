from hypothesis import given
from hypothesis import strategies as st

from shared.identifiers import USCC_ALPHABET, industry_problem, uscc_check_character, uscc_problem

usccs = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).map(lambda s: s + uscc_check_character(s))


def test_domain_examples_are_valid():
    assert uscc_problem("91350100M000100Y43") is None
    assert uscc_problem("91440300708461136T") is None


def test_wrong_length_alphabet_and_check_character_are_named():
    assert "18 characters" in (uscc_problem("91350100M000100Y4") or "")
    assert "no I, O, S, V or Z" in (uscc_problem("91350100M000100YO3") or "")
    assert "require '3'" in (uscc_problem("91350100M000100Y44") or "")


@given(usccs)
def test_generated_codes_are_valid(code):
    assert uscc_problem(code) is None


@given(usccs, st.integers(0, 16), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_caught(code, position, replacement):
    changed = code[:position] + replacement + code[position + 1 :]
    assert (uscc_problem(changed) is None) == (changed == code)


def test_industry_codes():
    assert industry_problem("C3825") is None
    assert industry_problem("C38") is None
    for bad in ("3825", "Z3825", "C38255", "c3825"):
        assert industry_problem(bad)

"""Conditional updates over HTTP: version ETags, the If-Match precondition, merge-patch errors."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from shared.problems import Problem


def etag(version: int) -> str:
    """A strong ETag: one version has exactly one representation."""
    return f'"{version}"'


def expected_versions(if_match: str | None, resource: str) -> frozenset[int] | None:
    """The versions an If-Match header accepts; None for `*` (any). Missing is a 428 problem.

    Comparison is strong (RFC 9110 §13.1.1): a weak tag `W/"3"` matches nothing.
    """
    if if_match is None:
        raise Problem(
            428,
            "Precondition required",
            f'Send If-Match with the ETag of the {resource} you read (e.g. If-Match: "3"), '
            "so that a concurrent change is not overwritten.",
        )
    if if_match.strip() == "*":
        return None
    tags = (tag.strip() for tag in if_match.split(","))
    return frozenset(
        int(tag[1:-1]) for tag in tags if len(tag) > 2 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit()
    )


def invalid_patch(error: ValidationError) -> RequestValidationError:
    """The 422 for a patch whose merge made the resource invalid, pointing at the fields."""
    return RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()])

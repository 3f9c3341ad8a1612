"""The supplier aggregate. Pure Python: no database, web or Kafka here.

A supplier's sites belong to its aggregate: every change to the profile or to a site bumps the
supplier's version, so the `supplier.updated` events of one supplier carry strictly increasing versions.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.contracts.supplier import SupplierRegistered, SupplierUpdated
from shared.contracts.supplier_api import SupplierContact, SupplierSize
from shared.events import EventContract
from shared.identifiers import industry_problem
from supplier.domain.errors import SupplierError, SupplierNotFound

IDENTITY_FIELDS = ("uscc", "registry_id", "country")
"""Who the supplier is: fixed at registration; a different company is a new registration."""


class NoSupplierWithUscc(SupplierNotFound):
    def __init__(self, uscc: str) -> None:
        SupplierError.__init__(self, f"No supplier is registered with USCC {uscc}.")


class StaleVersion(SupplierError):
    """An update was based on a version that is no longer current (a lost update prevented)."""

    def __init__(self, resource: str, current: int) -> None:
        super().__init__(
            f"The {resource} changed since you read it (now version {current}); read it again and retry."
        )
        self.extensions = {"current_version": current}


class FieldNotEditable(SupplierError):
    """A patch tried to change an identity field."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} identifies the supplier and cannot be changed.")
        self.extensions = {"errors": [{"pointer": f"#/{name}", "detail": "identity fields cannot change"}]}


def check_version(resource: str, current: int, expected: Collection[int] | None) -> None:
    """Raise StaleVersion unless `current` is among the versions the client read (None: any)."""
    if expected is not None and current not in expected:
        raise StaleVersion(resource, current)


def merge_patch(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """JSON Merge Patch (RFC 7396): objects merge recursively, null removes, anything else replaces."""
    merged = dict(target)
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        elif isinstance(value, Mapping):
            current = merged.get(name)
            merged[name] = merge_patch(current if isinstance(current, Mapping) else {}, value)
        else:
            merged[name] = value
    return merged


class SupplierProfile(BaseModel):
    """The editable part of a supplier, validated whole after a patch is merged into it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    legal_name: str = Field(min_length=1, max_length=300)
    industry_code: str = Field(description="GB/T 4754 industry class, e.g. 'C3825'")
    size: SupplierSize | None = None
    contacts: list[SupplierContact] = Field(default_factory=list, max_length=50)

    @field_validator("industry_code")
    @classmethod
    def _valid_industry(cls, value: str) -> str:
        if problem := industry_problem(value):
            raise ValueError(problem)
        return value


@dataclass(frozen=True)
class SupplierFilter:
    """What a buyer searches suppliers by; unset criteria do not filter."""

    industry_prefix: str | None = None
    country: str | None = None
    name_contains: str | None = None
    credential_type: str | None = None
    credential_state: str | None = None
    expiring_within_days: int | None = None
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    @property
    def filters_credentials(self) -> bool:
        """Whether some credential (one and the same) must meet the credential criteria."""
        return bool(self.credential_type or self.credential_state or self.expiring_within_days is not None)


@dataclass
class Supplier:
    id: uuid.UUID
    legal_name: str
    country: str
    industry_code: str
    uscc: str | None
    registry_id: str | None
    created_at: datetime
    version: int = 1
    size: SupplierSize | None = None
    contacts: list[SupplierContact] = field(default_factory=list)
    events: list[EventContract] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls,
        *,
        legal_name: str,
        country: str,
        industry_code: str,
        uscc: str | None,
        registry_id: str | None,
        size: SupplierSize | None = None,
        contacts: list[SupplierContact] | None = None,
    ) -> Supplier:
        """A new supplier; records SupplierRegistered for the outbox."""
        supplier = cls(
            id=uuid.uuid4(),
            legal_name=legal_name,
            country=country,
            industry_code=industry_code,
            uscc=uscc,
            registry_id=registry_id,
            created_at=datetime.now(UTC),
            size=size,
            contacts=list(contacts or []),
        )
        supplier.events.append(
            SupplierRegistered(
                supplier_id=supplier.id,
                legal_name=legal_name,
                country=country,
                uscc=uscc,
                registry_id=registry_id,
                industry_code=industry_code,
                size=size,
            )
        )
        return supplier

    def profile(self) -> SupplierProfile:
        return SupplierProfile(
            legal_name=self.legal_name,
            industry_code=self.industry_code,
            size=self.size,
            contacts=self.contacts,
        )

    def apply_patch(self, patch: Mapping[str, Any]) -> list[str]:
        """Merge `patch` into the profile; returns the changed fields (empty: a no-op, no event).

        Identity fields may be repeated unchanged but never changed. Raises FieldNotEditable, or
        pydantic's ValidationError for a profile the merge made invalid.
        """
        editable = {name: value for name, value in patch.items() if name not in IDENTITY_FIELDS}
        for name in IDENTITY_FIELDS:
            if name in patch and patch[name] != getattr(self, name):
                raise FieldNotEditable(name)
        current = self.profile()
        merged = SupplierProfile.model_validate(merge_patch(current.model_dump(mode="json"), editable))
        changed = [
            name for name in SupplierProfile.model_fields if getattr(merged, name) != getattr(current, name)
        ]
        for name in changed:
            setattr(self, name, getattr(merged, name))
        if changed:
            self._record_update(changed)
        return changed

    def sites_changed(self) -> None:
        """A site was added or changed: the aggregate's version moves and consumers are told."""
        self._record_update(["sites"])

    def _record_update(self, changed: list[str]) -> None:
        self.version += 1
        self.events.append(
            SupplierUpdated(
                supplier_id=self.id,
                version=self.version,
                legal_name=self.legal_name,
                country=self.country,
                uscc=self.uscc,
                registry_id=self.registry_id,
                industry_code=self.industry_code,
                size=self.size,
                changed_fields=changed,
            )
        )

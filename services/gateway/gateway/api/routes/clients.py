"""API clients: secret rotation by the organisation's own administrator or the platform."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from gateway.api.security import Principal, authorise
from gateway.service_layer import tenants

router = APIRouter(prefix="/v1/clients", tags=["clients"])


class RotatedSecret(BaseModel):
    client_id: UUID
    organisation_id: UUID
    scopes: list[str]
    client_secret: str = Field(description="The new gcs_ secret, shown this once only")
    previous_secret_valid_for_s: int = Field(description="How long the former secret keeps working")


@router.post("/{client_id}/secret", responses={404: {"description": "No such client in your organisation"}})
def rotate_client_secret(
    client_id: UUID, request: Request, principal: Annotated[Principal, Depends(authorise("admin"))]
) -> RotatedSecret:
    """Issue a new secret for a client of your organisation (any client, for the platform).

    The former secret keeps working for the configured overlap, so deployments can switch without downtime.
    """
    overlap_s: int = request.app.state.secret_rotation_overlap_s
    rotated = tenants.rotate_secret(
        client_id=client_id, overlap_s=overlap_s, actor=principal, engine=request.app.state.engine
    )
    return RotatedSecret(
        client_id=rotated.client_id,
        organisation_id=rotated.organisation_id,
        scopes=rotated.scopes,
        client_secret=rotated.secret,
        previous_secret_valid_for_s=overlap_s,
    )

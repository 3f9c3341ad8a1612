"""Procurement checks: a purchase against a policy, with the reasons and evidence kept for audit."""

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Connection

from gateway.api.idempotency import idempotency_key, respond_idempotently
from gateway.api.rate_limit import rate_limited
from gateway.api.schemas import CheckCreate, CheckPage, CheckRead, PolicyRef, ReasonRead
from gateway.api.security import Principal, authorise
from gateway.domain.procurement import Lane, ProductLine
from gateway.service_layer import procurement as service

router = APIRouter(
    prefix="/v1/procurement/checks", tags=["procurement"], dependencies=[Depends(rate_limited)]
)
Writer = Annotated[Principal, Depends(authorise("policies:write"))]
Reader = Annotated[Principal, Depends(authorise("compliance:read"))]
IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


def _read(record: service.CheckRecord) -> CheckRead:
    return CheckRead(
        id=record.id,
        supplier_id=record.supplier_id,
        policy=PolicyRef(name=record.policy_name, version=record.policy_version),
        decision=record.decision,
        reasons=[ReasonRead.model_validate(r) for r in record.reasons],
        evidence=record.evidence,
        request=record.request,
        created_at=record.created_at,
    )


def _purchase(body: CheckCreate) -> service.Purchase:
    return service.Purchase(
        supplier_id=body.supplier_id,
        policy=body.policy,
        products=[ProductLine(p.product_id, p.category, p.quantity, p.declared_unit) for p in body.products],
        lanes=[
            Lane(
                lane.mode,
                lane.distance_km,
                lane.mass_t,
                lane.intensity_gco2e_per_tkm,
                "carrier" if lane.intensity_gco2e_per_tkm is not None else None,
            )
            for lane in body.lanes
        ],
        document=body.model_dump(mode="json"),
    )


@router.post(
    "",
    status_code=201,
    response_model=CheckRead,
    responses={
        422: {"description": "Invalid body, unknown policy, or Idempotency-Key reused with another body"}
    },
)
def create_check(body: CheckCreate, principal: Writer, key: IdempotencyKey, request: Request) -> Response:
    """Check a purchase against your policy: `allow`, `allow_with_conditions` or `deny`, each reason naming
    its policy clause and evidence. Stored for audit. With `Idempotency-Key` a retry gets the same answer
    without a second evaluation."""

    def create(conn: Connection) -> tuple[int, CheckRead, dict[str, str]]:
        record = service.run_check(
            principal=principal,
            purchase=_purchase(body),
            today=datetime.now(UTC).date(),
            suppliers=request.app.state.supplier_client,
            scoring=request.app.state.scoring_client,
            conn=conn,
        )
        return 201, _read(record), {"Location": f"/v1/procurement/checks/{record.id}"}

    return respond_idempotently(request, principal, key, body, create=create)


@router.get("/{check_id}")
def get_check(check_id: UUID, principal: Reader, request: Request) -> CheckRead:
    """A stored check, with the policy version, reasons and evidence it was decided on."""
    return _read(service.get_check(principal=principal, check_id=check_id, engine=request.app.state.engine))


@router.get("")
def list_checks(
    principal: Reader,
    request: Request,
    supplier_id: UUID | None = None,
    decision: Literal["allow", "allow_with_conditions", "deny"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> CheckPage:
    """Your checks, newest first, filtered by supplier and decision; cursor-paginated."""
    records, next_cursor = service.list_checks(
        principal=principal,
        supplier_id=supplier_id,
        decision=decision,
        limit=limit,
        cursor=cursor,
        engine=request.app.state.engine,
    )
    return CheckPage(items=[_read(r) for r in records], next_cursor=next_cursor)

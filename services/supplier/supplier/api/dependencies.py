"""Request-scoped dependencies built from what the lifespan put on app.state."""

from typing import Annotated

from fastapi import Depends, Request

from supplier.service_layer.unit_of_work import UnitOfWork


def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.engine)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]

"""Documents routes."""

from fastapi import APIRouter

router = APIRouter(tags=["documents"])

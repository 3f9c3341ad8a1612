"""Performance routes."""

from fastapi import APIRouter

router = APIRouter(tags=["performance"])

"""Footprints routes."""

from fastapi import APIRouter

router = APIRouter(tags=["footprints"])

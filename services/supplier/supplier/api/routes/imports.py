"""Imports routes."""

from fastapi import APIRouter

router = APIRouter(tags=["imports"])

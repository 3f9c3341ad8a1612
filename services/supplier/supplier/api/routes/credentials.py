"""Credentials routes."""

from fastapi import APIRouter

router = APIRouter(tags=["credentials"])

"""Shipments routes."""

from fastapi import APIRouter

router = APIRouter(tags=["shipments"])

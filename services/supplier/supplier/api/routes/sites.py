"""Sites routes."""

from fastapi import APIRouter

router = APIRouter(tags=["sites"])

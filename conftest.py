"""Session fixtures: the real system (PostgreSQL, Kafka, every service) started by the project's launcher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

from launcher.receiver import WebhookReceiver
from launcher.stack import Ports, Stack, StackConfig
from launcher.tenants import Tenants

FAST_RETRIES_S = [0, 0.5, 1, 2]

# Property tests must not fail because a shared 2-core machine is slow: no per-example deadline.
settings.register_profile("greenchain", deadline=None, print_blob=True)
settings.load_profile("greenchain")


@pytest.fixture(scope="session")
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole system on free ports, as `greenchain up` runs it, torn down after the session."""
    config = StackConfig(
        run_dir=Path(tmp_path_factory.mktemp("stack")),
        ports=Ports.free(),
        gateway_env={
            # Tests receive webhooks on loopback over http; production refuses both.
            "WEBHOOK_ALLOW_HTTP": "true",
            "WEBHOOK_ALLOWED_NETWORKS": json.dumps(["127.0.0.0/8"]),
            "WEBHOOK_ANY_PORT": "true",
            "DELIVERY_RETRY_SCHEDULE_S": json.dumps(FAST_RETRIES_S),
        },
    )
    stack = Stack(config)
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def tenants(stack: Stack) -> Iterator[Tenants]:
    """Organisations and API clients of the stack's gateway: `tenants.platform_admin()`,
    `.buyer(name)`, `.supplier_org(supplier_id)`, `.reviewer()`; each has `.headers` with a bearer token
    from the real token endpoint, `.organisation_id`, `.client_id` and `.secret`."""
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as http:
        made = Tenants(stack.database_url("gateway"), http)
        yield made
        made.close()

"""The delivery worker on real PostgreSQL against a local receiver: signing, retries, Retry-After,
410, the disable window, redirects, per-supplier order, leases, redelivery, replay, fan-out scope."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text, update
from standardwebhooks import Webhook

from gateway.adapters.orm import deliveries, delivery_attempts, subscriptions
from gateway.adapters.tables.buyers import supply_base
from gateway.adapters.tables.tenants import organisations
from gateway.delivery import store
from gateway.delivery.schedule import RetrySchedule
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.ssrf import UrlPolicy, make_webhook_client
from gateway.delivery.worker import DeliveryWorker, WorkerOptions
from gateway.service_layer import deliveries as delivery_service
from gateway.service_layer import subscriptions as subscription_service
from gateway.service_layer.fanout import fan_out
from gateway.service_layer.feed import read_feed
from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.receiver import Reply, WebhookReceiver
from launcher.testing import migrated_database, wait_until
from shared.contracts.gateway import EndpointDisabled
from shared.contracts.scoring import ComplianceScoreChanged
from shared.db import libpq_url
from shared.events import Event

SCORE = ComplianceScoreChanged.event_type
POLICY = UrlPolicy.build(allow_http=True, allowed_networks=["127.0.0.0/8"], allowed_ports=None)
BOX = SecretBox("test-webhook-secret-key-0123456789abcdef")
FAST = RetrySchedule(delays_s=[0, 0.2, 0.2, 0.2], jitter=0)


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = PostgresServer(Path(tmp_path_factory.mktemp("pg")), port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database_url(postgres: PostgresServer) -> str:
    return migrated_database(postgres, "gateway")


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url, pool_size=10)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def make_worker(engine: Engine, **options: object) -> DeliveryWorker:
    client = make_webhook_client(POLICY, timeout_s=5)
    return DeliveryWorker(engine, client, FAST, BOX, WorkerOptions(concurrency=8, lease_s=30, **options))  # type: ignore[arg-type]


@pytest.fixture
def worker(engine: Engine, database_url: str) -> Iterator[DeliveryWorker]:
    """A running worker for one test (tests without it see the queue undisturbed)."""
    worker = make_worker(engine)
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run, args=(stop,), kwargs={"database_url": libpq_url(database_url), "idle_wait_s": 0.2}
    )
    thread.start()
    yield worker
    stop.set()
    thread.join(30)
    worker.client.close()


def new_buyer(engine: Engine, *suppliers: uuid.UUID) -> uuid.UUID:
    buyer = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(organisations.insert().values(id=buyer, name=f"Buyer {buyer}", kind="buyer"))
        for supplier in suppliers:
            conn.execute(supply_base.insert().values(buyer_id=buyer, supplier_id=supplier))
    return buyer


def subscribe(
    engine: Engine, buyer: uuid.UUID, url: str, **kwargs: object
) -> subscription_service.Subscription:
    return subscription_service.create_subscription(
        organisation_id=buyer,
        url=url,
        event_types=kwargs.pop("event_types", [SCORE]),  # type: ignore[arg-type]
        supplier_ids=kwargs.pop("supplier_ids", None),  # type: ignore[arg-type]
        description=None,
        policy=POLICY,
        box=BOX,
        engine=engine,
    )


def publish(
    engine: Engine, supplier: uuid.UUID, band: str = "Leading", when: datetime | None = None
) -> Event:
    data = ComplianceScoreChanged(
        supplier_id=supplier, year=2026, model_version="t", score=Decimal("80.00"), band=band, reason="r"
    )
    event = Event(uuid.uuid4(), SCORE, "/test", when or datetime.now(UTC), None, data)
    fan_out(event, engine=engine)
    return event


def at(receiver: WebhookReceiver, path: str) -> list:
    return [r for r in receiver.received if r.path == path]


def arrived(receiver: WebhookReceiver, path: str, count: int, timeout_s: float = 30) -> list:
    assert wait_until(lambda: len(at(receiver, path)) >= count, timeout_s=timeout_s), at(receiver, path)
    return at(receiver, path)


def delivery_row(engine: Engine, event_id: uuid.UUID, subscription_id: uuid.UUID):
    with engine.connect() as conn:
        return conn.execute(
            select(deliveries).where(
                deliveries.c.event_id == event_id, deliveries.c.subscription_id == subscription_id
            )
        ).one()


def test_webhook_is_signed_and_verifies(engine, worker, receiver):
    supplier = uuid.uuid4()
    sub = subscribe(engine, new_buyer(engine, supplier), receiver.url("/signed"))
    event = publish(engine, supplier)

    [got] = arrived(receiver, "/signed", 1)

    assert got.headers["webhook-id"] == str(event.id)
    payload = Webhook(sub.secret).verify(got.body, got.headers)
    assert payload["type"] == SCORE
    assert payload["data"]["score"] == "80.00"


def test_rotation_signs_with_both_secrets_during_the_overlap(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    old = subscribe(engine, buyer, receiver.url("/rotated"))
    new = subscription_service.rotate_secret(
        organisation_id=buyer, subscription_id=old.id, overlap=timedelta(hours=1), box=BOX, engine=engine
    )
    publish(engine, supplier)

    [got] = arrived(receiver, "/rotated", 1)

    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(old.secret).verify(got.body, got.headers)
    Webhook(new.secret).verify(got.body, got.headers)


def test_secret_is_stored_encrypted(engine):
    sub = subscribe(engine, new_buyer(engine), "http://127.0.0.1:9/x")
    with engine.connect() as conn:
        sealed = conn.execute(
            select(subscriptions.c.secret_sealed).where(subscriptions.c.id == sub.id)
        ).scalar()
    assert sub.secret.encode() not in sealed
    assert BOX.open(sub.id, sealed) == sub.secret


def test_failures_are_retried_with_the_same_webhook_id(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    sub = subscribe(engine, buyer, receiver.url("/flaky"))
    receiver.script("/flaky", Reply(500, body=b"database down"), Reply(503))
    event = publish(engine, supplier)

    got = arrived(receiver, "/flaky", 3)

    assert {r.headers["webhook-id"] for r in got} == {str(event.id)}
    assert wait_until(lambda: delivery_row(engine, event.id, sub.id).status == "delivered")
    [delivery], _ = delivery_service.list_deliveries(
        organisation_id=buyer, subscription_id=sub.id, before=None, limit=5, status=None, engine=engine
    )
    log = [(a.status_code, a.response_excerpt) for a in delivery.attempt_log]
    assert log == [(500, "database down"), (503, ""), (204, "")]


def test_retry_after_is_honoured(engine, worker, receiver):
    supplier = uuid.uuid4()
    sub = subscribe(engine, new_buyer(engine, supplier), receiver.url("/busy"))
    receiver.script("/busy", Reply(429, {"Retry-After": "3600"}))
    event = publish(engine, supplier)

    arrived(receiver, "/busy", 1)
    assert wait_until(lambda: delivery_row(engine, event.id, sub.id).attempts == 1)

    row = delivery_row(engine, event.id, sub.id)
    with engine.connect() as conn:
        attempted = conn.execute(
            select(delivery_attempts.c.attempted_at).where(delivery_attempts.c.delivery_id == row.id)
        ).scalar_one()
    assert row.status == "pending"
    assert row.next_attempt_at - attempted >= timedelta(seconds=3600)  # not the 0.2 s schedule


def test_a_redirect_is_a_failure_and_is_not_followed(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    sub = subscribe(engine, buyer, receiver.url("/moved"))
    receiver.script("/moved", Reply(302, {"Location": receiver.url("/elsewhere")}))
    event = publish(engine, supplier)

    arrived(receiver, "/moved", 2)
    assert wait_until(lambda: delivery_row(engine, event.id, sub.id).status == "delivered")

    assert at(receiver, "/elsewhere") == []
    [delivery], _ = delivery_service.list_deliveries(
        organisation_id=buyer, subscription_id=sub.id, before=None, limit=5, status=None, engine=engine
    )
    assert [a.status_code for a in delivery.attempt_log] == [302, 204]
    assert all(a.latency_ms >= 0 for a in delivery.attempt_log)


def feed_types(engine: Engine, buyer: uuid.UUID) -> list[str]:
    page = read_feed(organisation_id=buyer, cursor=None, limit=100, retention_days=30, engine=engine)
    return [e.type for e in page.events]


def test_410_disables_the_endpoint_and_tells_the_buyer(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    sub = subscribe(engine, buyer, receiver.url("/gone"))
    receiver.script("/gone", Reply(410))
    publish(engine, supplier)

    arrived(receiver, "/gone", 1)
    assert wait_until(lambda: EndpointDisabled.event_type in feed_types(engine, buyer))

    found = subscription_service.get_subscription(
        organisation_id=buyer, subscription_id=sub.id, engine=engine
    )
    assert (found.enabled, found.disabled_reason) == (False, "gone")
    page = read_feed(organisation_id=buyer, cursor=None, limit=10, retention_days=30, engine=engine)
    notice = page.events[-1].data
    assert (notice["subscription_id"], notice["reason"], notice["last_status_code"]) == (
        str(sub.id),
        "gone",
        410,
    )
    publish(engine, supplier)  # nothing more is queued for a disabled endpoint
    assert len(at(receiver, "/gone")) == 1


def test_an_endpoint_failing_past_the_window_is_disabled(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    sub = subscribe(engine, buyer, receiver.url("/down"))
    with engine.begin() as conn:  # it has been failing for six days already
        conn.execute(
            update(subscriptions)
            .where(subscriptions.c.id == sub.id)
            .values(first_failure_at=datetime.now(UTC) - timedelta(days=6))
        )
    receiver.script("/down", Reply(500))
    publish(engine, supplier)

    assert wait_until(lambda: EndpointDisabled.event_type in feed_types(engine, buyer))
    found = subscription_service.get_subscription(
        organisation_id=buyer, subscription_id=sub.id, engine=engine
    )
    assert (found.enabled, found.disabled_reason) == (False, "failing")


def test_a_success_resets_the_failure_window(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    sub = subscribe(engine, buyer, receiver.url("/recovers"))
    receiver.script("/recovers", Reply(500))
    event = publish(engine, supplier)

    assert wait_until(lambda: delivery_row(engine, event.id, sub.id).status == "delivered")
    found = subscription_service.get_subscription(
        organisation_id=buyer, subscription_id=sub.id, engine=engine
    )
    assert (found.enabled, found.failing_since) == (True, None)


def test_a_later_event_for_the_same_supplier_waits_for_the_earlier(engine, worker, receiver):
    supplier, other = uuid.uuid4(), uuid.uuid4()
    subscribe(engine, new_buyer(engine, supplier, other), receiver.url("/ordered"))
    receiver.script("/ordered", Reply(500), Reply(500))
    first = publish(engine, supplier, band="Qualified")
    second = publish(engine, supplier, band="Leading")
    unrelated = publish(engine, other)

    got = arrived(receiver, "/ordered", 5)

    ids = [r.headers["webhook-id"] for r in got]
    mine = [i for i in ids if i != str(unrelated.id)]
    # The scripted 500s fall on whichever requests come first; `first` fails at least once, and
    # `second` is sent only after `first` succeeded.
    assert mine[-1] == str(second.id)
    assert set(mine[:-1]) == {str(first.id)}
    assert len(mine) >= 2
    assert str(unrelated.id) in ids


def test_a_dead_delivery_releases_the_next_one(engine, worker, receiver):
    supplier = uuid.uuid4()
    sub = subscribe(engine, new_buyer(engine, supplier), receiver.url("/dies"))
    receiver.script("/dies", *[Reply(500)] * FAST.max_attempts)
    first = publish(engine, supplier)
    second = publish(engine, supplier)

    assert wait_until(lambda: delivery_row(engine, second.id, sub.id).status == "delivered")
    assert delivery_row(engine, first.id, sub.id).status == "dead"


def test_buyers_hear_only_about_their_supply_base_and_filters(engine, worker, receiver):
    mine, filtered_out, foreign = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    buyer = new_buyer(engine, mine, filtered_out)
    new_buyer(engine, foreign)
    subscribe(engine, buyer, receiver.url("/scoped"), supplier_ids=[mine])
    wanted = publish(engine, mine)
    publish(engine, filtered_out)
    publish(engine, foreign)
    sentinel = publish(engine, mine)

    got = arrived(receiver, "/scoped", 2)

    assert [r.headers["webhook-id"] for r in got] == [str(wanted.id), str(sentinel.id)]
    feed = read_feed(organisation_id=buyer, cursor=None, limit=10, retention_days=30, engine=engine)
    assert {e.supplier_id for e in feed.events} == {mine, filtered_out}  # the feed has no filters


def test_an_expired_lease_is_claimed_again(engine):
    supplier = uuid.uuid4()
    sub = subscribe(engine, new_buyer(engine, supplier), "http://127.0.0.1:9/lease")
    event = publish(engine, supplier)
    mine = lambda claimed: [c for c in claimed if c.event_id == event.id]  # noqa: E731

    assert mine(store.claim(engine, limit=1000, lease_s=0.5))  # a worker claims it, then dies
    assert not mine(store.claim(engine, limit=1000, lease_s=30))  # leased: nobody else sends it
    assert wait_until(lambda: bool(mine(store.claim(engine, limit=1000, lease_s=30))), timeout_s=30)
    assert delivery_row(engine, event.id, sub.id).status == "pending"


def test_redeliver_sends_the_same_webhook_again(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    sub = subscribe(engine, buyer, receiver.url("/again"))
    event = publish(engine, supplier)
    arrived(receiver, "/again", 1)
    assert wait_until(lambda: delivery_row(engine, event.id, sub.id).status == "delivered")

    delivery_service.redeliver(
        organisation_id=buyer,
        subscription_id=sub.id,
        delivery_id=delivery_row(engine, event.id, sub.id).id,
        engine=engine,
    )

    got = arrived(receiver, "/again", 2)
    assert [r.headers["webhook-id"] for r in got] == [str(event.id)] * 2


def test_replay_queues_a_time_range_again(engine, worker, receiver):
    supplier = uuid.uuid4()
    buyer = new_buyer(engine, supplier)
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    old = publish(engine, supplier, when=long_ago)
    sub = subscribe(engine, buyer, receiver.url("/replayed"))  # subscribed after the event
    publish(engine, supplier, when=datetime(2026, 3, 1, tzinfo=UTC))

    got = arrived(receiver, "/replayed", 1)
    queued = delivery_service.replay(
        organisation_id=buyer,
        subscription_id=sub.id,
        since=long_ago,
        until=long_ago + timedelta(days=1),
        engine=engine,
    )

    assert queued == 1
    got = arrived(receiver, "/replayed", 2)
    assert got[-1].headers["webhook-id"] == str(old.id)
    assert json.loads(got[-1].body)["timestamp"].startswith("2026-01-01")


def test_another_tenant_cannot_touch_the_subscription(engine):
    sub = subscribe(engine, new_buyer(engine), "http://127.0.0.1:9/private")
    stranger = new_buyer(engine)
    with pytest.raises(subscription_service.SubscriptionNotFound):
        subscription_service.get_subscription(organisation_id=stranger, subscription_id=sub.id, engine=engine)
    with pytest.raises(subscription_service.SubscriptionNotFound):
        delivery_service.replay(
            organisation_id=stranger,
            subscription_id=sub.id,
            since=datetime(2026, 1, 1, tzinfo=UTC),
            until=datetime(2026, 2, 1, tzinfo=UTC),
            engine=engine,
        )
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM subscriptions WHERE id = :id"), {"id": sub.id}).scalar()
            == 1
        )

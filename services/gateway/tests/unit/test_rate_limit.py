"""The token bucket: a burst, then the sustained rate, per client."""

import uuid

from gateway.api.rate_limit import TokenBucketLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_per_client():
    clock = Clock()
    limiter = TokenBucketLimiter(rate_per_s=2, burst=3, clock=clock)
    alice, bob = uuid.uuid4(), uuid.uuid4()
    assert [limiter.take(alice) for _ in range(3)] == [0, 0, 0]
    assert limiter.take(alice) == 0.5  # a token every half second
    assert limiter.take(bob) == 0  # buckets are per client
    clock.now = 0.5
    assert limiter.take(alice) == 0
    assert limiter.take(alice) > 0
    clock.now = 100
    assert [limiter.take(alice) for _ in range(3)] == [0, 0, 0]  # refilled to the burst, no more
    assert limiter.take(alice) > 0

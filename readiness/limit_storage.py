"""Rate limit counters in the app's own database, so every gunicorn worker counts the same.

`make run` serves with several workers and no Redis: Flask-Limiter's memory storage would count
per worker (a 10-per-minute limit would let 10 through each worker). This storage keeps
fixed-window counters in the `rate_limit_counter` table of the database the app already uses
(SQLite file or PostgreSQL), so the limits hold across workers, and across hosts sharing the
database. Production may use Redis instead (READINESS_RATELIMIT_STORAGE_URI=redis://...).

Registered with the `limits` package under the scheme `database://`; the SQLAlchemy URL comes
as the storage option `url`.
"""

import contextlib
import os
import random
import threading
import time

from limits.storage import Storage
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    exc,
    insert,
    select,
    update,
)

# The same table as readiness.models.RateLimitCounter, seen without the Flask app.
counters = Table(
    "rate_limit_counter",
    MetaData(),
    Column("key", String(255), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", Float, nullable=False),
)
KEY_LENGTH = 255
SWEEP_CHANCE = 0.01
# Tries to count one hit when others race to start the same window: dozens of simultaneous
# requests on PostgreSQL (60 wrong codes at once) needed more than 5, and a hit that cannot be
# counted falls back to a per-process count that lets more through (readiness.throttle).
ATTEMPTS = 30


class DatabaseStorage(Storage):
    """Fixed-window counters (Flask-Limiter's default strategy) in a database table."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.url = options["url"]
        self._engine = None
        self._pid = None
        self._lock = threading.Lock()

    def dispose(self) -> None:
        """Close the pooled connections. A discarded app (tests build many) must not leave open
        connections behind for the garbage collector to find."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __del__(self):
        with contextlib.suppress(Exception):
            self.dispose()

    @property
    def base_exceptions(self):
        return exc.SQLAlchemyError

    @property
    def engine(self):
        """One engine per process: gunicorn forks workers after the app is built."""
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                connect_args = {"timeout": 30} if self.url.startswith("sqlite") else {}
                self._engine = create_engine(self.url, connect_args=connect_args)
                self._pid = os.getpid()
            return self._engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        key = key[:KEY_LENGTH]
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, 0.005 * attempt))  # let the winner commit
            now = time.time()
            try:
                with self.engine.begin() as connection:
                    # An UPDATE first: it takes the row's (or SQLite's) write lock, so two
                    # workers never both start a new window.
                    changed = connection.execute(
                        update(counters)
                        .where(counters.c.key == key, counters.c.expires_at > now)
                        .values(count=counters.c.count + amount)
                    ).rowcount
                    if not changed:
                        # Only an ended window goes: under PostgreSQL's READ COMMITTED this
                        # statement sees a window another worker has just committed, and
                        # deleting it would lose its hits. The INSERT then collides with that
                        # window and the next try counts in it.
                        connection.execute(
                            delete(counters).where(
                                counters.c.key == key, counters.c.expires_at <= now
                            )
                        )
                        if random.random() < SWEEP_CHANCE:  # now and then, old windows go
                            connection.execute(delete(counters).where(counters.c.expires_at <= now))
                        connection.execute(
                            insert(counters).values(key=key, count=amount, expires_at=now + expiry)
                        )
                    return connection.execute(
                        select(counters.c.count).where(counters.c.key == key)
                    ).scalar_one()
            except exc.DBAPIError:
                # Another worker started the window first (count in it), PostgreSQL chose this
                # transaction to break a deadlock, or another passing refusal: try again.
                continue
        raise RuntimeError("could not count a rate limit hit")

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            count = connection.execute(
                select(counters.c.count).where(
                    counters.c.key == key[:KEY_LENGTH], counters.c.expires_at > time.time()
                )
            ).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            expires = connection.execute(
                select(counters.c.expires_at).where(counters.c.key == key[:KEY_LENGTH])
            ).scalar()
        return float(expires or time.time())

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
            return True
        except exc.SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(counters)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(counters).where(counters.c.key == key[:KEY_LENGTH]))

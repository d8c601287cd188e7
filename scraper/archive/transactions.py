"""Write transactions that wait for another process's lock instead of failing at once.

SQLite's default (deferred) BEGIN takes the write lock only at the first write. A
transaction that reads first and then writes, while another process holds the write
lock, gets SQLITE_BUSY immediately: the busy timeout is skipped to avoid a deadlock.
Taking the lock up front with BEGIN IMMEDIATE makes the writer wait its timeout.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # (imported for type hints only: see scraper/crawl/writer.py)
    from sqlite_utils import Database



@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """One write transaction (a savepoint when one is already open)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")

"""How many bytes of response bodies the crawl may hold at once.

Each download is capped (--max-body), but sixty-four downloads of ten megabytes
each, or of a gzip bomb each, still add up to most of a gigabyte. So every body
being read is charged to one budget, until the crawl hands the page over to the
archive's side (whose own room is bounded: batch.Room), or drops it. A download
that would go over the budget waits before it reads more: the server sees a slow
reader. One body at a time may go past the budget (the lane, held until that
body is handed over or dropped), so that a body bigger than what is left never
stalls the crawl: memory stays within the budget plus one body, whatever the
list holds. A download waiting for room counts against its request's deadline
like any other wait.
"""
from __future__ import annotations

import asyncio

# Bytes of bodies the crawl holds at once, beyond the one in the lane. Ordinary pages never
# come near it (64 requests of 100 kB are 6.4 MB); lists of very large pages wait on it.
BODY_BUDGET = 32 * 1024 * 1024


class BodyBudget:
    def __init__(self, limit: int = BODY_BUDGET) -> None:
        self.limit = limit
        self.held = 0
        self._lane = asyncio.Lock()
        self._changed = asyncio.Event()  # bytes given back, or the lane freed

    def open(self) -> "BodyCharge":
        """A charge for one download's body."""
        return BodyCharge(self)

    def _wake(self) -> None:
        self._changed.set()


class BodyCharge:
    """The bytes of one body charged to the budget, from its first byte until `release`."""

    def __init__(self, budget: BodyBudget) -> None:
        self._budget = budget
        self.bytes = 0
        self._in_lane = False

    async def add(self, count: int) -> None:
        """Charge `count` more bytes, waiting first if they do not fit (see the lane)."""
        budget = self._budget
        while (not self._in_lane and budget.held > 0
               and budget.held + count > budget.limit):
            if not budget._lane.locked():
                await budget._lane.acquire()
                self._in_lane = True
                break
            budget._changed.clear()
            await budget._changed.wait()
        budget.held += count
        self.bytes += count

    def release(self) -> None:
        """The body was handed over or dropped: give its bytes back, and the lane."""
        if self._in_lane:
            self._in_lane = False
            self._budget._lane.release()
        self._budget.held -= self.bytes
        self.bytes = 0
        self._budget._wake()

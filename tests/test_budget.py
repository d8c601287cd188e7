"""The crawl's budget for bytes of bodies held at once: bounded, and never stuck."""
from __future__ import annotations

import asyncio
import random

from scraper.fetch.budget import BodyBudget


def test_a_download_over_the_budget_waits_for_bytes_to_come_back():
    async def run() -> list[str]:
        budget, order = BodyBudget(limit=100), []
        first, second, third = budget.open(), budget.open(), budget.open()
        await first.add(80)
        await second.add(30)  # over: takes the lane, which lets one download past
        assert budget.held == 110

        async def third_reads() -> None:
            await third.add(30)  # over, and the lane is taken: waits
            order.append("third")

        waiting = asyncio.ensure_future(third_reads())
        await asyncio.sleep(0.01)
        assert not order and budget.held == 110
        second.release()  # handed over: its bytes come back, and the lane
        order.append("released")
        await asyncio.wait_for(waiting, 1)
        assert budget.held == 110 and order == ["released", "third"]
        first.release()
        third.release()
        assert budget.held == 0
        return order

    asyncio.run(run())


def test_many_downloads_stay_within_the_budget_plus_one_body_and_all_finish():
    limit, body, pieces = 1_000, 400, 8  # each body is 8 pieces of 50 bytes

    async def run() -> int:
        budget, peak, rng = BodyBudget(limit=limit), 0, random.Random(7)

        async def download() -> None:
            nonlocal peak
            charge = budget.open()
            for _ in range(pieces):
                await charge.add(body // pieces)
                peak = max(peak, budget.held)
                await asyncio.sleep(rng.random() / 1000)
            await asyncio.sleep(rng.random() / 1000)  # waiting to be handed over
            charge.release()

        await asyncio.wait_for(asyncio.gather(*(download() for _ in range(60))), 20)
        assert budget.held == 0
        return peak

    peak = asyncio.run(run())
    assert limit < peak <= limit + body  # the lane was used, and never more than one body past

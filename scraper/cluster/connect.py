"""Reaching a Dask cluster: what `--cluster` names, a LocalCluster for `local:N`, the client.

Dask's own failures come back here as one ClusterError each, with a line the
user can act on; Dask's log lines are kept off the terminal (the crawl's
display and that one line say what happened).
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from ..errors import ClusterError, UsageError

if TYPE_CHECKING:
    from distributed import Client

_LOCAL = re.compile(r"local:(\d+)")
# Threads per worker process of a LocalCluster: one extracts while the other's batch is
# still downloading (extraction holds the GIL, so more would only wait their turn).
LOCAL_THREADS = 2
# How long a run waits for a first worker to join the scheduler before giving up.
WORKERS_TIMEOUT = 60.0


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError("--cluster needs Dask's distributed scheduler: "
                         "pip install 'scraper[cluster]'") from None
    _quiet_logs()
    return distributed


def _quiet_logs() -> None:
    """Dask's log lines stay off the terminal (a lost scheduler logs a traceback): the run's
    display and its one error line say what happened."""
    for name in ["distributed", "tornado", *logging.root.manager.loggerDict]:
        if name.split(".")[0] in ("distributed", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@contextmanager
def cluster_address(spec: str) -> Iterator[str]:
    """The scheduler address `spec` names: `local:N` starts a LocalCluster of N worker
    processes on this machine for as long as the block runs; anything else is a Dask
    address (tcp://host:8786) of a scheduler started beforehand."""
    distributed = _distributed()
    local = _LOCAL.fullmatch(spec.strip())
    if local is None:
        yield spec.strip()
        return
    workers = int(local[1])
    if workers < 1:
        raise UsageError("--cluster local:N needs at least one worker process")
    import dask

    # A worker that dies takes its tasks with it; Dask would run them again elsewhere at
    # once. With no retries of its own, each comes back to the head, which sends the
    # jobs again through its politeness, and alone, so a page that kills a worker is
    # told apart (see head.py).
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=LOCAL_THREADS, processes=True,
            host="127.0.0.1", dashboard_address="127.0.0.1:0",
            silence_logs=logging.CRITICAL)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


async def connect(address: str) -> "Client":
    """A client of the scheduler at `address`, in the running loop, once a worker has
    joined it. The wait for the scheduler is Dask's connect timeout
    (`DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT`, 30 s unless set)."""
    distributed = _distributed()
    client = distributed.Client(address, asynchronous=True)  # connects when awaited
    try:
        try:
            await client
        except (OSError, ValueError) as exc:
            raise _unreachable(address, exc) from None
        try:
            await client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            raise _no_workers(address) from None
    except BaseException:
        await client.close()
        raise
    return client


def connect_blocking(address: str) -> "Client":
    """As `connect`, for code that runs outside an event loop (`scrape reextract`)."""
    distributed = _distributed()
    try:
        client = distributed.Client(address)
    except (OSError, ValueError) as exc:
        raise _unreachable(address, exc) from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        client.close()
        raise _no_workers(address) from None
    return client


def _unreachable(address: str, exc: Exception) -> ClusterError:
    return ClusterError(f"cannot reach the Dask scheduler at {address}: {_line(exc)}")


def _no_workers(address: str) -> ClusterError:
    return ClusterError(f"no Dask worker joined the scheduler at {address} within "
                        f"{WORKERS_TIMEOUT:g} s; start some with `dask worker {address}`")


def task_failure(exc: Exception, address: str) -> ClusterError:
    """A Dask task's failure (other than a worker dying on it) as the run's one error."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError

    # The client cancels its futures when it loses the scheduler; a result being
    # gathered just then fails with the closed connection.
    if isinstance(exc, (CancelledError, CommClosedError)):
        return ClusterError(f"lost the connection to the Dask scheduler at {address}; what "
                            "was archived stays: run the same command again to resume")
    return ClusterError(f"a Dask worker could not do the work: {type(exc).__name__}: "
                        f"{_line(exc)}")


def _line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]

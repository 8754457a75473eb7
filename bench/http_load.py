"""A real HTTP client for the benchmarks: the standard library's http.client, one persistent
connection per thread (kept alive when the server allows it, reopened when it closes it), the
product and its limit driven interleaved (A, B, A, B…) so load on the machine hits both alike.

The client's own CPU per request is measured too (``client_cpu_ms``): it is what the client
adds to each latency on a shared machine, small beside the server's figures.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bench.stats import latency_summary


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    expect: int = 200


# (worker, n) → the n-th request of that client thread.
RequestMaker = Callable[[int, int], Request]


class UnexpectedResponse(RuntimeError):
    pass


class Client:
    def __init__(self, host: str, port: int) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.reopened = 0

    def send(self, request: Request) -> float:
        """One request; its latency in ms, from sending to the last byte of the answer."""
        if self.connection.sock is None:
            self.reopened += 1
        started = time.perf_counter()
        self.connection.request(
            request.method,
            request.path,
            body=request.body,
            headers={"Accept": "application/json", **request.headers},
        )
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != request.expect:
            raise UnexpectedResponse(
                f"{request.method} {request.path}: {response.status}, {body[:300]!r}"
            )
        return elapsed

    def close(self) -> None:
        self.connection.close()


def latency(
    host: str, port: int, sides: Mapping[str, RequestMaker], requests: int, warmup: int
) -> dict[str, dict]:
    """Concurrency 1: the sides one request each in turn (the order flips every round), each on
    its own connection; p50/p99 over ``requests`` per side after ``warmup`` per side."""
    names = list(sides)
    clients = {name: Client(host, port) for name in names}
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, float] = dict.fromkeys(names, 0.0)
    try:
        for n in range(warmup + requests):
            for name in names if n % 2 == 0 else reversed(names):
                request = sides[name](0, n)
                cpu_started = time.thread_time()
                elapsed = clients[name].send(request)
                if n >= warmup:
                    cpu[name] += time.thread_time() - cpu_started
                    samples[name].append(elapsed)
    finally:
        for client in clients.values():
            client.close()
    return {
        name: {
            **latency_summary(samples[name]),
            "client_cpu_ms": round(cpu[name] * 1000 / requests, 3),
            "connections_reopened": clients[name].reopened,
        }
        for name in names
    }


def throughput(
    host: str,
    port: int,
    sides: Mapping[str, RequestMaker],
    concurrency: int,
    seconds: float,
    slices: int = 4,
) -> dict[str, dict]:
    """Requests per second with ``concurrency`` client threads, each side for ``seconds`` in
    all, in ``slices`` interleaved slices (A, B, B, A…)."""
    names = list(sides)
    done: dict[str, int] = dict.fromkeys(names, 0)
    spent: dict[str, float] = dict.fromkeys(names, 0.0)
    latencies: dict[str, list[float]] = {name: [] for name in names}
    counters = dict.fromkeys(names, 0)  # the next request number: they grow across slices
    for s in range(slices):
        for name in names if s % 2 == 0 else reversed(names):
            count, elapsed, samples, counters[name] = _slice(
                host, port, sides[name], concurrency, seconds / slices, counters[name]
            )
            done[name] += count
            spent[name] += elapsed
            latencies[name].extend(samples)
    return {
        name: {
            "concurrency": concurrency,
            "seconds": round(spent[name], 1),
            "requests": done[name],
            "requests_per_second": round(done[name] / spent[name], 1),
            "p50_ms_under_load": latency_summary(latencies[name])["p50_ms"],
        }
        for name in names
    }


def _slice(
    host: str, port: int, make: RequestMaker, concurrency: int, seconds: float, first: int
) -> tuple[int, float, list[float], int]:
    """One slice: (requests done, seconds, their latencies, the next unused request number)."""
    counts = [0] * concurrency
    samples: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[BaseException] = []
    start = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def work(worker: int) -> None:
        client = Client(host, port)
        try:
            start.wait()
            n = first + worker  # each thread its own numbers: no two send the same request
            while time.perf_counter() < deadline[0]:
                samples[worker].append(client.send(make(worker, n)))
                counts[worker] += 1
                n += concurrency
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began  # until the last answer in flight at the deadline
    if errors:
        raise errors[0]
    next_first = first + concurrency * (max(counts) + 1)
    return sum(counts), elapsed, [x for s in samples for x in s], next_first

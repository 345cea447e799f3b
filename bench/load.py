#!/usr/bin/env python3
"""Closed-loop HTTP load for praxis: N client threads with keep-alive connections run one
scenario at a time for a fixed duration and report throughput and latency percentiles.
Standard library only, so `make bench` needs nothing installed."""

import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse
import uuid


def connect(base):
    parts = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def call(conn, method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    payload = json.dumps(body) if body is not None else None
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def register_and_login(base):
    conn = connect(base)
    email = f"bench-{uuid.uuid4().hex}@example.org"
    password = "a long enough passphrase"
    call(conn, "POST", "/api/v1/auth/register", {"email": email, "password": password, "display_name": "Bench"})
    status, data = call(conn, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    assert status == 200, data
    token = json.loads(data)["access_token"]
    terms = json.loads(call(conn, "GET", "/api/v1/terms")[1])
    call(conn, "POST", "/api/v1/me/terms-acceptances", {"version": terms["version"]}, token)
    return token


def run(base, name, seconds, concurrency, make_request):
    latencies = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index):
        conn = connect(base)
        mine = []
        failed = 0
        while time.monotonic() < deadline:
            start = time.perf_counter()
            status, _ = make_request(conn, index)
            mine.append(time.perf_counter() - start)
            if status >= 500 or status == 0:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0

    print(
        f"{name:<28} {len(latencies) / elapsed:9.0f} req/s   p50 {pct(0.50):7.2f} ms   "
        f"p95 {pct(0.95):7.2f} ms   p99 {pct(0.99):7.2f} ms   5xx {errors[0]}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    tokens = [register_and_login(args.base) for _ in range(args.concurrency)]

    print(f"{'scenario':<28} {'throughput':>15}   latency ({args.concurrency} clients, {args.seconds:.0f} s each)")
    run(args.base, "GET /health", args.seconds, args.concurrency, lambda c, i: call(c, "GET", "/health"))
    run(args.base, "GET /api/v1/plans", args.seconds, args.concurrency, lambda c, i: call(c, "GET", "/api/v1/plans"))
    run(args.base, "GET /api/v1/me", args.seconds, args.concurrency,
        lambda c, i: call(c, "GET", "/api/v1/me", token=tokens[i]))
    run(args.base, "GET /api/v1/spaces", args.seconds, args.concurrency,
        lambda c, i: call(c, "GET", "/api/v1/spaces", token=tokens[i]))
    run(args.base, "PATCH /api/v1/me (write)", args.seconds, args.concurrency,
        lambda c, i: call(c, "PATCH", "/api/v1/me", {"display_name": f"Bench {time.time_ns()}"}, tokens[i]))
    run(args.base, "POST /auth/login (argon2)", min(args.seconds, 5), args.concurrency,
        lambda c, i: call(c, "POST", "/api/v1/auth/login", {"email": "nobody@example.org", "password": "x" * 12}))


if __name__ == "__main__":
    main()

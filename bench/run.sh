#!/usr/bin/env bash
# `make bench`: a release build of praxis on a fresh database, loaded over loopback by
# bench/load.py; prints requests per second and latency percentiles per scenario.
# BENCH_DATABASE_URL=postgres://… benchmarks PostgreSQL instead of SQLite (the database must exist
# and be empty). BENCH_SECONDS and BENCH_CONCURRENCY tune the load.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/praxis/target}"
cargo build --release --bin praxis
bin="$CARGO_TARGET_DIR/release/praxis"
work=$(mktemp -d)
port="${BENCH_PORT:-18080}"
url="${BENCH_DATABASE_URL:-sqlite://$work/bench.db}"
PRAXIS_DATABASE_URL="$url" PRAXIS_BIND="127.0.0.1:$port" PRAXIS_AUTH_RATE_PER_MINUTE=0 \
  PRAXIS_MAIL_DIR="$work/mail" RUST_LOG=warn "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "praxis $(git rev-parse --short HEAD 2>/dev/null || echo '?') on ${url%%:*}, $(nproc) cores"
python3 bench/load.py --base "http://127.0.0.1:$port" \
  --seconds "${BENCH_SECONDS:-10}" --concurrency "${BENCH_CONCURRENCY:-16}"

#!/usr/bin/env bash
# `make bench`: a release build of praxis on a fresh database filled by `praxis seed-demo` and
# `praxis bench-seed`, loaded over loopback by wrk (installed with apt-get when missing). Every
# scenario's throughput is printed with its ratio to `GET /health` measured in the same run, each
# target of issue 14 is checked, and the table is appended to bench/RESULTS.md with the commit,
# the machine and the date.
#
#   BENCH_DATABASE_URL=postgres://…  PostgreSQL instead of SQLite (an existing, empty database)
#   BENCH_POSTS      posts seeded first (default 20000: 10,000 in the Lobby)
#   BENCH_MILLION    total posts for the scale step (default 1000000; 0 skips it)
#   BENCH_SECONDS    seconds per scenario (default 10)
#   BENCH_NOTE       a line saved with the results (e.g. "other builds running")
#   BENCH_BIN        a praxis binary to use instead of building one
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/praxis/target}"
if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  (apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }) >/dev/null
fi
if [ -n "${BENCH_BIN:-}" ]; then
  bin="$BENCH_BIN" # a binary built already (e.g. while comparing two commits)
else
  cargo build --release --bin praxis
  bin="$CARGO_TARGET_DIR/release/praxis"
fi
work=$(mktemp -d)
port="${BENCH_PORT:-18080}"
base="http://127.0.0.1:$port"
url="${BENCH_DATABASE_URL:-sqlite://$work/bench.db}"
load_start=$(cut -d" " -f1-3 /proc/loadavg)
posts="${BENCH_POSTS:-20000}"
million="${BENCH_MILLION:-1000000}"
secs="${BENCH_SECONDS:-10}"
export PRAXIS_DATABASE_URL="$url" PRAXIS_BIND="127.0.0.1:$port" PRAXIS_AUTH_RATE_PER_MINUTE=0 \
  PRAXIS_MAIL_DIR="$work/mail" RUST_LOG=warn PRAXIS_JWT_SECRET="bench-secret-bench-secret-bench-secret"
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
trap 'stop; rm -rf "$work"' EXIT
start() {
  "$bin" serve >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    curl -fsS "$base/ready" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1
}

"$bin" migrate >/dev/null
"$bin" seed-demo >/dev/null
"$bin" bench-seed --posts "$posts" --comments "$((posts * 2))"
start

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login() {
  curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"praxis-demo-2026\"}" | json "['access_token']"
}
pat=$(login pat@praxis.example)     # a Practitioner: reads the Practitioner Lounge
lucia=$(login lucia@praxis.example) # a Lobby member: writes in the Lobby
for follow in spaces/lobby-members topics/consent topics/facilitation; do
  curl -fsS -X PUT "$base/api/v1/$follow/follow" -H "authorization: Bearer $pat" >/dev/null
done
post_id=$(curl -fsS "$base/api/v1/spaces/lobby/posts?limit=1" | json "['items'][0]['id']")
deep_cursor() { # the cursor of the Lobby's 50th page
  local cursor="" page
  for _ in $(seq 1 49); do
    page=$(curl -fsS "$base/api/v1/spaces/lobby/posts?limit=20${cursor:+&cursor=$cursor}")
    cursor=$(printf '%s' "$page" | json "['next_cursor']")
  done
  printf '%s' "$cursor"
}

# One wrk script per scenario: the request, then one `RESULT` line from done().
report='
done = function(s, latency, requests)
  local errors = s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout
  io.write(string.format("RESULT %d %.3f %.3f %.3f %d %d\n", s.requests, s.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, s.errors.status))
end'
script() { # name method path token body
  local file="$work/$1.lua" body="${5:-}"
  {
    echo "wrk.method = \"$2\""
    echo "wrk.path = \"$3\""
    echo 'wrk.headers["content-type"] = "application/json"'
    [ -n "$4" ] && echo "wrk.headers[\"authorization\"] = \"Bearer $4\""
    if [ -n "$body" ]; then
      echo "local n = 0"
      echo "request = function() n = n + 1; return wrk.format(nil, nil, nil, string.format('$body', n)) end"
    fi
    echo "$report"
  } >"$file"
  printf '%s' "$file"
}

declare -A RPS P50 P99 BAD
run() { # name connections script [seconds]
  local out
  out=$(wrk -t2 -c"$2" -d"${4:-$secs}s" --latency -s "$3" "$base" | grep '^RESULT')
  read -r _ n dur p50 p99 errors status <<<"$out"
  RPS[$1]=$(awk -v n="$n" -v d="$dur" 'BEGIN { printf "%.0f", n / d }')
  P50[$1]=$p50; P99[$1]=$p99; BAD[$1]=$((errors + status))
  printf '%-34s %8s req/s  p50 %7s ms  p99 %7s ms  errors %s\n' "$1" "${RPS[$1]}" "$p50" "$p99" "${BAD[$1]}"
}

feeds() { # suffix
  run "health$1" 32 "$(script health GET /health '')"
  run "lobby$1" 32 "$(script lobby GET '/api/v1/spaces/lobby/posts?limit=20' '')"
  run "lobby-deep$1" 32 "$(script deep GET "/api/v1/spaces/lobby/posts?limit=20&cursor=$(deep_cursor)" '')"
  run "lounge$1" 32 "$(script lounge GET '/api/v1/spaces/practitioner-lounge/posts?limit=20' "$pat")"
  run "feed$1" 32 "$(script feed GET '/api/v1/feed?limit=20' "$pat")"
}

echo "== $(git rev-parse --short HEAD) on ${url%%:*}, $posts posts, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
feeds ""
run "lobby-pg20" 32 "$(script lobby GET '/api/v1/spaces/lobby/posts?limit=20' '')" >/dev/null
run "comment-create" 16 "$(script comment POST "/api/v1/posts/$post_id/comments" "$lucia" '{"body":"bench comment %d"}')"
run "post-create" 16 "$(script post POST /api/v1/spaces/lobby/posts "$lucia" '{"kind":"discussion","title":"Bench post %d","body":"A post written by the load test.","topics":["consent"]}')"
# About 20 logins per second (argon2id) beside the feed: 5 connections, each waiting 200 ms.
login_lua="$work/login.lua"
cat >"$login_lua" <<'LUA'
wrk.method = "POST"
wrk.path = "/api/v1/auth/login"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"email":"pat@praxis.example","password":"praxis-demo-2026"}'
delay = function() return 200 end
LUA
wrk -t1 -c5 -d"$((secs + 2))s" -s "$login_lua" "$base" >"$work/logins.txt" &
logins=$!
sleep 1
run "lobby+logins" 32 "$(script lobby GET '/api/v1/spaces/lobby/posts?limit=20' '')"
wait "$logins"
login_rate=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$work/logins.txt")
run "lobby@200" 200 "$(script lobby GET '/api/v1/spaces/lobby/posts?limit=20' '')"
run "feed@200" 200 "$(script feed GET '/api/v1/feed?limit=20' "$pat")"
rss_small=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")

rss_big=
if [ "$million" -gt "$posts" ]; then
  stop
  "$bin" bench-seed --posts "$((million - posts))" --comments "$(((million - posts) / 2))"
  start
  echo "== $million posts"
  feeds "@1M"
  wrk -t1 -c5 -d"$((secs + 2))s" -s "$login_lua" "$base" >/dev/null &
  logins=$!
  run "lobby+logins@1M" 32 "$(script lobby GET '/api/v1/spaces/lobby/posts?limit=20' '')"
  wait "$logins"
  rss_big=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
fi

# Targets: figure, ratio and verdict, printed and appended to bench/RESULTS.md.
engine=${url%%:*}
table="$work/table.md"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=" ? v >= t : v <= t); print (ok ? "met" : "SHORT") }'; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >>"$table"; }
{
  echo "| scenario | req/s | p50 ms | p99 ms | × /health | errors |"
  echo "|---|---|---|---|---|---|"
  for k in health lobby lobby-deep lounge feed comment-create post-create lobby+logins lobby@200 feed@200 \
    health@1M lobby@1M lobby-deep@1M lounge@1M feed@1M lobby+logins@1M; do
    [ -n "${RPS[$k]:-}" ] || continue
    base_rps=${RPS[health]}; [[ $k == *@1M ]] && base_rps=${RPS[health@1M]}
    echo "| $k | ${RPS[$k]} | ${P50[$k]} | ${P99[$k]} | $(ratio "${RPS[$k]}" "$base_rps") | ${BAD[$k]} |"
  done
  echo
  echo "| target | figure | wanted | verdict |"
  echo "|---|---|---|---|"
} >"$table"
lobby_ratio=$(ratio "${RPS[lobby]}" "${RPS[health]}")
if [ "$engine" = postgres ]; then
  row "Lobby feed req/s ÷ /health (PostgreSQL)" "$lobby_ratio" "≥ 0.20" "$(verdict "$lobby_ratio" '>=' 0.20)"
  row "Lobby feed p99 (PostgreSQL)" "${P99[lobby]} ms" "≤ 20 ms" "$(verdict "${P99[lobby]}" '<=' 20)"
else
  row "Lobby feed req/s ÷ /health" "$lobby_ratio" "≥ 0.30" "$(verdict "$lobby_ratio" '>=' 0.30)"
  row "Lobby feed p99" "${P99[lobby]} ms" "≤ 10 ms" "$(verdict "${P99[lobby]}" '<=' 10)"
fi
for k in lounge feed; do
  r=$(ratio "${RPS[$k]}" "${RPS[health]}")
  row "$k req/s ÷ /health" "$r" "≥ 0.25" "$(verdict "$r" '>=' 0.25)"
done
if [ -n "${RPS[lobby@1M]:-}" ]; then
  for k in lobby lobby-deep lounge feed; do
    r=$(ratio "${P50[$k@1M]}" "${P50[$k]}")
    row "$k p50 at $million ÷ p50 at $posts posts" "$r" "≤ 1.3" "$(verdict "$r" '<=' 1.3)"
  done
fi
if [ "$engine" = sqlite ]; then
  row "comments/s at 16 connections" "${RPS[comment-create]}" "≥ 2000" "$(verdict "${RPS[comment-create]}" '>=' 2000)"
  row "comment p99" "${P99[comment-create]} ms" "≤ 50 ms" "$(verdict "${P99[comment-create]}" '<=' 50)"
  row "posts/s at 16 connections" "${RPS[post-create]}" "≥ 1000" "$(verdict "${RPS[post-create]}" '>=' 1000)"
fi
r=$(ratio "${P99[lobby+logins]}" "${P99[lobby]}")
row "Lobby p99 with $login_rate logins/s ÷ idle p99" "$r" "≤ 2" "$(verdict "$r" '<=' 2)"
row "server RSS (peak)" "$rss_small MB${rss_big:+, $rss_big MB at $million posts}" "≤ 150 MB" \
  "$(verdict "${rss_big:-$rss_small}" '<=' 150)"
bad=$((BAD[lobby@200] + BAD[feed@200]))
row "errors and 5xx at 200 connections" "$bad" "0" "$(verdict "$bad" '<=' 0)"
echo
cat "$table"
{
  echo
  echo "## $(date -u +'%Y-%m-%d %H:%M UTC') · $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty') · $engine"
  echo
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average at start $load_start. $posts posts (${million} for the @1M rows), wrk -t2 -c32 -d${secs}s unless the name says @200."
  [ -n "${BENCH_NOTE:-}" ] && echo "Note: $BENCH_NOTE"
  echo
  cat "$table"
} >>bench/RESULTS.md

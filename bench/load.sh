#!/usr/bin/env bash
# The benchmark in one command, against the stack ./run.sh is running (same PROXE_*_PORT variables, same checkout):
# the pgbench ceiling, a warm-up, then /v1/interactions and the providers' signed webhooks, each flat out and then at half its
# end-to-end rate (the ceiling measured again before and after each format's passes), with each flat-out pass's ratio
# to the ceiling around it and the targets, all in one invocation (bench/README.md).
#   BENCH_INTERACTIONS (50000)  BENCH_BATCH (10)  BENCH_CONCURRENCY (32)  BENCH_LEADS (1000)
#   BENCH_FORMAT (interactions,providers)  BENCH_RATE (half)  BENCH_WARMUP (100000 per format)  BENCH_CEILING (pgbench)
# Further arguments (options not set here) go to Proxe.Bench.Load (dotnet bench/Proxe.Bench.Load/bin/Release/net10.0/Proxe.Bench.Load.dll --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f .proxe/local.env ] || { echo "no .proxe/local.env: start the stack with ./run.sh first" >&2; exit 2; }
set -a; source .proxe/local.env; [ ! -f .proxe/ports.env ] || source .proxe/ports.env; set +a

source deploy/local/env.sh

out=$(dotnet build -c Release bench/Proxe.Bench.Load -v q --nologo 2>&1) || { echo "$out" >&2; exit 2; }
# The load generator stands in for providers calling from other machines: it runs in a session of its own at the
# gateway's priority (as root), so that its own late starts on this shared box are not counted as the gateway's latency.
# With inline socket completions each answer is timed on the thread that read it, not after a hand-off to the thread
# pool (bench/README.md, "2026-12-07 (stop 37)").
exec_in_session "$PROXE_ANSWER_NICE" env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet bench/Proxe.Bench.Load/bin/Release/net10.0/Proxe.Bench.Load.dll \
  --gateway "http://127.0.0.1:${PROXE_GATEWAY_PORT:-5080}" --workers "http://127.0.0.1:${PROXE_WORKERS_PORT:-5082}" \
  --amqp-port "${PROXE_AMQP_PORT:-5672}" \
  --db "Host=127.0.0.1;Port=${PROXE_PG_PORT:-5432};Database=proxe;Username=postgres;Password=postgres" \
  --interactions "${BENCH_INTERACTIONS:-50000}" --batch "${BENCH_BATCH:-10}" --concurrency "${BENCH_CONCURRENCY:-32}" \
  --leads "${BENCH_LEADS:-1000}" --channels web,whatsapp,voice,social \
  --format "${BENCH_FORMAT:-interactions,providers}" --rate "${BENCH_RATE:-half}" \
  --warmup "${BENCH_WARMUP:-100000}" --ceiling "${BENCH_CEILING:-pgbench}" "$@" &
bench=$!
# A session of its own has no terminal: Ctrl+C reaches this script, which passes it on to the generator's process group
# (the generator leads it: pgbench and the ceiling script are in it too).
trap 'kill -INT -- -"$bench" 2>/dev/null' INT TERM HUP
rc=0; wait "$bench" || rc=$?
while [ "$rc" -gt 128 ] && kill -0 "$bench" 2>/dev/null; do rc=0; wait "$bench" || rc=$?; done
exit "$rc"

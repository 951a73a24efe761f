#!/usr/bin/env bash
# Starts local PostgreSQL + RabbitMQ (deploy/local/start.sh, installing them when missing), points the
# test fixtures at them and runs every test project of the solution once. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

deploy/local/start.sh

export PROXE_TEST_POSTGRES="Host=127.0.0.1;Port=${PROXE_PG_PORT:-5432};Username=postgres;Password=postgres"
export PROXE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:${PROXE_AMQP_PORT:-5672}/"
export PROXE_TEST_RABBITMQ_MANAGEMENT="http://127.0.0.1:${PROXE_RABBITMQ_MGMT_PORT:-15672}/"
export PROXE_TEST_RABBITMQCTL="$PWD/deploy/local/rabbitmqctl.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log=.proxe/test.log
rc=0
# Built once, then the test assemblies one after the other (-m:1): on two cores, eight test hosts at once time each other out.
dotnet build Proxe.sln --nologo -v q 2>&1 | tee "$log" || rc=$?
if [ "$rc" = 0 ]; then
  dotnet test Proxe.sln --no-build -m:1 --nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee -a "$log" || rc=$?
fi

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r failed passed skipped assemblies < <(
  grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" \
    | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
    | awk '{f+=$1; p+=$2; s+=$3; n++} END {print f+0, p+0, s+0, n+0}')

# Fault tests, short form: their own PostgreSQL, RabbitMQ, gateway and workers (ports 16xxx), every fault once under
# load; exit 0 only when every accepted event is recorded and nothing else went wrong (bench/README.md, "Faults").
faults_rc=0
echo | tee -a "$log"
echo "== fault tests: dotnet run -c Release --project bench/Proxe.Bench.Faults -- --short" | tee -a "$log"
dotnet run -c Release --project bench/Proxe.Bench.Faults -- --short 2>&1 | tee -a "$log" || faults_rc=$?

echo
echo "test assemblies: $assemblies"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$faults_rc" = 0 ]; then
  echo "fault tests: passed"
else
  echo "fault tests: FAILED (exit $faults_rc; the failing faults are named above and in $log)"
fi

if [ "$rc" = 0 ] && [ "$passed" = 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
if [ "$rc" = 0 ] && [ "$failed" != 0 ]; then rc=1; fi
if [ "$rc" = 0 ] && [ "$faults_rc" != 0 ]; then rc=1; fi
exit "$rc"

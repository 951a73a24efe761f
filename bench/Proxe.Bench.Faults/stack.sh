#!/usr/bin/env bash
# The fault tests' own PostgreSQL + RabbitMQ: deploy/local's scripts and settings, run as a separate stack
# (PROXE_STACK, PROXE_*_PORT come from Proxe.Bench.Faults), plus the faults it needs to cause.
#   stack.sh start | stop | rabbitmq-stop | postgres-crash-restart | pids
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
local_dir="$here/../../deploy/local"
[ -n "${PROXE_STACK:-}" ] || { echo "stack.sh: PROXE_STACK is not set; refusing to act on the checkout's usual stack" >&2; exit 2; }
source "$local_dir/env.sh"

case "${1:-}" in
  start) exec "$local_dir/start.sh" ;;
  stop) exec "$local_dir/stop.sh" ;;
  rabbitmq-stop)
    rabbitmq_running || { log "RabbitMQ is not running"; exit 0; }
    pid=$(cat "$RMQ_HOME/rabbitmq.pid")
    # SIGTERM: the node shuts down as for `rabbitmqctl stop`, without the seconds the CLI's own VM takes to boot.
    kill -TERM "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && die "RabbitMQ (pid $pid) did not stop"
    rm -f "$RMQ_HOME/rabbitmq.pid"
    ;;
  postgres-crash-restart)
    pg_running || die "PostgreSQL is not running"
    # -m immediate: no shutdown checkpoint, so the server runs crash recovery on start, as after a crash.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_HOME/postgresql.log" -o "$PG_SERVER_OPTIONS" -m immediate -w -t 60 restart >/dev/null
    ;;
  pids) # "<postmaster pid> <rabbitmq pid>", 0 for one that is not running
    pg=0; rmq=0
    pg_running && pg=$(head -1 "$PG_DATA/postmaster.pid")
    rabbitmq_running && rmq=$(cat "$RMQ_HOME/rabbitmq.pid")
    echo "$pg $rmq"
    ;;
  *) echo "usage: stack.sh start|stop|rabbitmq-stop|postgres-crash-restart|pids" >&2; exit 2 ;;
esac

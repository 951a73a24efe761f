#!/usr/bin/env bash
# Stops this checkout's PostgreSQL and RabbitMQ started by deploy/local/start.sh. Data stays in .proxe/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if pg_running; then
  log "stopping PostgreSQL"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
else
  log "PostgreSQL is not running"
fi

if rabbitmq_running; then
  log "stopping RabbitMQ node $PROXE_RABBITMQ_NODE"
  pid=$(cat "$RMQ_HOME/rabbitmq.pid")
  as_rabbitmq "$RABBITMQ_BIN/rabbitmqctl" -n "$PROXE_RABBITMQ_NODE" -q shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill -0 "$pid" 2>/dev/null && die "RabbitMQ (pid $pid) did not stop"
  rm -f "$RMQ_HOME/rabbitmq.pid"
else
  log "RabbitMQ is not running"
fi

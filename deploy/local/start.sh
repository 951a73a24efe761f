#!/usr/bin/env bash
# Starts PostgreSQL 15 and RabbitMQ (management + shovel) on 127.0.0.1 with their data under
# <repo>/.proxe/, installing Debian's packages first when missing. Safe to run again.
#   PROXE_PG_PORT (5432)  PROXE_AMQP_PORT (5672)  PROXE_RABBITMQ_MGMT_PORT (15672)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

[ "$(id -u)" = 0 ] || die "run as root: PostgreSQL and RabbitMQ run as their own system users"

install_packages() {
  local missing=()
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
  command -v pg_isready >/dev/null || missing+=(postgresql-client-15)
  [ -x "$RABBITMQ_BIN/rabbitmq-server" ] || missing+=(rabbitmq-server)
  command -v curl >/dev/null || missing+=(curl)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v runuser >/dev/null || missing+=(util-linux)
  # The dashboard's browser tests drive Debian's Chromium through Playwright (no browser download).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # The suite's deployment checks (tests/Proxe.Deploy.Tests): compose parses docker-compose.yml, node checks deploy/k8s.
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v npm >/dev/null || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return

  log "installing ${missing[*]} (Debian packages)"
  # Keep the packages from starting system-wide instances on the default ports:
  # we run our own, and Debian's would hold 5432/5672.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added_policy=1
  fi
  local rc=0
  {
    apt-get update -q -o DPkg::Lock::Timeout=300 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o DPkg::Lock::Timeout=300 "${missing[@]}"
  } >"$PROXE_STATE/apt.log" 2>&1 || rc=$?
  [ -n "$added_policy" ] && rm -f "$policy"
  [ $rc = 0 ] || { tail -20 "$PROXE_STATE/apt.log" >&2; die "apt-get failed (full log: $PROXE_STATE/apt.log)"; }
}

# The services run as postgres / rabbitmq. When the checkout sits under a folder those users
# cannot traverse (e.g. /root), their data lives in /var/lib/proxe/<checkout id>/ and .proxe/
# holds a symlink to it.
prepare_home() { # user name-under-.proxe
  local user=$1 dir="$PROXE_STATE/$2"
  if [ ! -e "$dir" ] && ! runuser -u "$user" -- test -x "$PROXE_STATE"; then
    local elsewhere="/var/lib/proxe/$PROXE_CHECKOUT_ID/$2"
    mkdir -p "$elsewhere" && chmod 755 "/var/lib/proxe" "/var/lib/proxe/$PROXE_CHECKOUT_ID"
    ln -sfn "$elsewhere" "$dir"
    log "$PROXE_STATE is not reachable by $user: $dir -> $elsewhere"
  fi
  set_paths
  dir="$(state_dir "$2")"
  mkdir -p "$dir"
  chown "$user:" "$dir"
  runuser -u "$user" -- test -w "$dir" || die "$user cannot write $dir"
}

# A port held by Debian's own instance (started by a package install) is freed; anything else is an error.
require_free_port() { # port what
  local port=$1 what=$2
  port_in_use "$port" || return 0
  if [ "$what" = PostgreSQL ] && command -v pg_lsclusters >/dev/null; then
    local cluster
    cluster=$(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p && $4 == "online" {print $1 " " $2}' | head -1)
    if [ -n "$cluster" ]; then
      log "stopping Debian's PostgreSQL cluster '$cluster' on port $port"
      pg_ctlcluster $cluster stop -m fast
    fi
  fi
  local owner; owner=$(port_owner "$port")
  # Debian's service runs the default node (no RABBITMQ_NODENAME=proxe-... in its environment).
  if [ "$what" = RabbitMQ ] && [ "${owner#*/}" = beam.smp ] \
    && ! tr '\0' '\n' <"/proc/${owner%%/*}/environ" 2>/dev/null | grep -q '^RABBITMQ_NODENAME=proxe-'; then
    log "stopping Debian's system RabbitMQ node on port $port"
    (cd /var/lib/rabbitmq && runuser -u rabbitmq -- env -u RABBITMQ_NODENAME "$RABBITMQ_BIN/rabbitmqctl" shutdown) || true
  fi
  port_in_use "$port" &&
    die "port $port is taken by ${owner:-another process} (not this checkout's $what). Free it, or pick another port with the PROXE_*_PORT variables."
  return 0
}

start_postgres() {
  if pg_running; then
    local port; port=$(sed -n 4p "$PG_DATA/postmaster.pid")
    [ "$port" = "$PROXE_PG_PORT" ] || die "this checkout's PostgreSQL already runs on port $port, not $PROXE_PG_PORT: run deploy/local/stop.sh first"
    log "PostgreSQL already running (port $port)"
  else
    require_free_port "$PROXE_PG_PORT" PostgreSQL
    prepare_home postgres postgres
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
      log "initdb $PG_DATA"
      local pwfile="$PG_HOME/.pwfile"
      printf 'postgres\n' >"$pwfile" && chown postgres: "$pwfile" && chmod 600 "$pwfile"
      as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >"$PG_HOME/initdb.log" 2>&1 \
        || { rm -f "$pwfile"; cat "$PG_HOME/initdb.log" >&2; die "initdb failed"; }
      rm -f "$pwfile"
      cat >>"$PG_DATA/postgresql.conf" <<'EOF'

# proxe local instance: loopback TCP only (no unix socket, whose folder may not exist or be reachable)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
# every test class gets its own database and pool
max_connections = 300
EOF
    fi
    log "starting PostgreSQL on 127.0.0.1:$PROXE_PG_PORT"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_HOME/postgresql.log" -o "$PG_SERVER_OPTIONS" -w -t 60 start >/dev/null \
      || { tail -20 "$PG_HOME/postgresql.log" >&2; die "PostgreSQL did not start (log: $PG_HOME/postgresql.log)"; }
  fi
  local i
  for i in $(seq 60); do
    pg_isready -q -h 127.0.0.1 -p "$PROXE_PG_PORT" && return 0
    sleep 1
  done
  die "PostgreSQL does not accept connections on 127.0.0.1:$PROXE_PG_PORT (log: $PG_HOME/postgresql.log)"
}

write_rabbitmq_config() {
  mkdir -p "$RMQ_HOME/log" "$RMQ_HOME/mnesia"
  chown rabbitmq: "$RMQ_HOME/log" "$RMQ_HOME/mnesia"
  # Empty on purpose: /etc/rabbitmq/rabbitmq-env.conf must not override this node's settings.
  : >"$RMQ_HOME/rabbitmq-env.conf"
  echo '[rabbitmq_management,rabbitmq_shovel,rabbitmq_shovel_management].' >"$RMQ_HOME/enabled_plugins"
  cat >"$RMQ_HOME/rabbitmq.conf" <<EOF
management.tcp.ip = 127.0.0.1
management.tcp.port = $PROXE_RABBITMQ_MGMT_PORT
# guest/guest is the default user; it may only connect from loopback
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
  chmod 644 "$RMQ_HOME/rabbitmq-env.conf" "$RMQ_HOME/enabled_plugins" "$RMQ_HOME/rabbitmq.conf"
}

start_rabbitmq() {
  local node; node=$(rabbitmq_mgmt_node)
  if [ "$node" = "$PROXE_RABBITMQ_NODE" ]; then
    log "RabbitMQ already running (node $node)"
  elif rabbitmq_running; then
    log "RabbitMQ node $PROXE_RABBITMQ_NODE is already starting"
  else
    require_free_port "$PROXE_AMQP_PORT" RabbitMQ
    require_free_port "$PROXE_RABBITMQ_MGMT_PORT" RabbitMQ
    require_free_port "$PROXE_RABBITMQ_DIST_PORT" RabbitMQ
    prepare_home rabbitmq rabbitmq
    write_rabbitmq_config
    log "starting RabbitMQ node $PROXE_RABBITMQ_NODE on 127.0.0.1:$PROXE_AMQP_PORT (management $PROXE_RABBITMQ_MGMT_PORT)"
    (
      rabbitmq_env
      cd /var/lib/rabbitmq
      exec_in_session "$PROXE_ANSWER_NICE" nohup runuser -u rabbitmq -- "$RABBITMQ_BIN/rabbitmq-server" >"$RMQ_HOME/log/startup.log" 2>&1 </dev/null &
    )
  fi
  local i
  for i in $(seq 120); do
    if [ "$(rabbitmq_mgmt_node)" = "$PROXE_RABBITMQ_NODE" ] && port_in_use "$PROXE_AMQP_PORT"; then
      return 0
    fi
    sleep 1
  done
  tail -20 "$RMQ_HOME/log/startup.log" >&2 || true
  die "RabbitMQ did not come up within 120 s (logs: $RMQ_HOME/log/)"
}

mkdir -p "$PROXE_STATE"
chmod 755 "$PROXE_STATE"
install_packages
start_postgres
start_rabbitmq

cat <<EOF
[proxe-local] running:
  PostgreSQL 15  127.0.0.1:$PROXE_PG_PORT  user postgres / password postgres   data $PG_DATA
  RabbitMQ       amqp://guest:guest@127.0.0.1:$PROXE_AMQP_PORT/   node $PROXE_RABBITMQ_NODE
                 management http://127.0.0.1:$PROXE_RABBITMQ_MGMT_PORT/  (guest / guest)
  stop with deploy/local/stop.sh
EOF

# Shared settings for deploy/local/*.sh (sourced, not executed).

PROXE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
# PROXE_STACK names a second, independent stack of the same checkout (own data folder and RabbitMQ node; give it
# its own ports too), e.g. the fault tests' (bench/Proxe.Bench.Faults). Empty: the checkout's usual stack.
PROXE_STACK="${PROXE_STACK:-}"
PROXE_STATE="$PROXE_ROOT/.proxe${PROXE_STACK:+/stacks/$PROXE_STACK}"

PROXE_PG_PORT="${PROXE_PG_PORT:-5432}"
PROXE_AMQP_PORT="${PROXE_AMQP_PORT:-5672}"
PROXE_RABBITMQ_MGMT_PORT="${PROXE_RABBITMQ_MGMT_PORT:-15672}"
# Erlang distribution port; RabbitMQ's own default is AMQP port + 20000.
PROXE_RABBITMQ_DIST_PORT="${PROXE_RABBITMQ_DIST_PORT:-$((PROXE_AMQP_PORT + 20000))}"

PG_BIN=/usr/lib/postgresql/15/bin
# The server's options wherever this stack's PostgreSQL starts (start.sh, the fault tool's crash restart). A running server
# keeps the ones it started with until deploy/local/stop.sh.
# - backend_flush_after: a backend that evicts dirty pages has the kernel write them out as it goes (the checkpointer and
#   the background writer already do). Left in the page cache, they made each checkpoint's final fsyncs flood the disk
#   RabbitMQ confirms on, stalling the gateway's answers (bench/README.md, "2026-12-06 (stop 31)").
# - Statements over 2 s are logged by their text; neither their parameters nor an error's detail (the key values of a
#   unique violation) are, so no customer's phone, email or message reaches the log.
PG_SERVER_OPTIONS="-p $PROXE_PG_PORT -c backend_flush_after=256kB -c log_min_duration_statement=2s -c log_parameter_max_length=0 -c log_error_verbosity=terse"
RABBITMQ_BIN=/usr/lib/rabbitmq/bin

# One id per checkout, so two checkouts on one machine never share a node or data folder.
PROXE_CHECKOUT_ID="$(printf '%s' "$PROXE_ROOT" | sha1sum | cut -c1-10)${PROXE_STACK:+-$PROXE_STACK}"
PROXE_RABBITMQ_NODE="proxe-$PROXE_CHECKOUT_ID@localhost"

# .proxe/postgres and .proxe/rabbitmq may be symlinks (see prepare_home in start.sh); the services
# get the resolved path, since they may not be able to traverse the checkout's parents.
state_dir() { if [ -L "$PROXE_STATE/$1" ]; then readlink -f "$PROXE_STATE/$1"; else echo "$PROXE_STATE/$1"; fi; }
set_paths() {
  PG_HOME="$(state_dir postgres)"
  PG_DATA="$PG_HOME/data"
  RMQ_HOME="$(state_dir rabbitmq)"
}
set_paths

log() { printf '[proxe-local] %s\n' "$*"; }
die() { printf '[proxe-local] ERROR: %s\n' "$*" >&2; exit 1; }

# Prints "pid/program" of whatever listens on the port, empty when free.
port_owner() {
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 \
    | sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/\2\/\1/' || true
}

port_in_use() { [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }

# The RabbitMQ CLI must run as the rabbitmq user (it shares the Erlang cookie in that user's home).
rabbitmq_env() {
  export RABBITMQ_NODENAME="$PROXE_RABBITMQ_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$PROXE_AMQP_PORT"
  export RABBITMQ_DIST_PORT="$PROXE_RABBITMQ_DIST_PORT"
  export RABBITMQ_CONF_ENV_FILE="$RMQ_HOME/rabbitmq-env.conf"
  export RABBITMQ_CONFIG_FILE="$RMQ_HOME/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_HOME/enabled_plugins"
  export RABBITMQ_MNESIA_BASE="$RMQ_HOME/mnesia"
  export RABBITMQ_LOG_BASE="$RMQ_HOME/log"
  export RABBITMQ_PID_FILE="$RMQ_HOME/rabbitmq.pid"
  # On two cores or fewer, one Erlang scheduler: two spent about a third more of RabbitMQ's CPU for the same messages,
  # waking each other (futex calls were the largest share of its system calls; bench/README.md, "2026-12-05 (stop 22)").
  local schedulers=""
  [ "$(nproc)" -gt 2 ] || schedulers="+S 1:1 "
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="${schedulers}-kernel inet_dist_use_interface {127,0,0,1}"
  export ERL_EPMD_ADDRESS=127.0.0.1
}

# Replaces the shell with the command in a session of its own, whose CPU share the kernel's autogroup scheduler weighs at
# autogroup nice $1. Each session counts as one there, each PostgreSQL backend included: on a box they share, the gateway
# and RabbitMQ, which answer the providers, run at PROXE_ANSWER_NICE and go first, and the workers catch up from the
# queues (bench/README.md, "2026-12-05 (evening)"). Best effort, silently: a nice below 0 needs root (CAP_SYS_NICE), and
# autogroups count only where they are on and the process is in the root CPU cgroup (not in a container).
# Call it from a background subshell or a script, never a process-group leader: setsid would fork, and $! would name
# a process that exits at once.
PROXE_ANSWER_NICE="${PROXE_ANSWER_NICE:--20}"
exec_in_session() {
  local nice=$1; shift
  exec setsid sh -c 'printf "%s\n" "$0" 2>/dev/null >/proc/self/autogroup; exec "$@"' "$nice" "$@"
}

as_rabbitmq() { (rabbitmq_env; cd /var/lib/rabbitmq && runuser -u rabbitmq -- "$@"); }
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

# Node name reported by the management API on our port, empty when nothing answers.
rabbitmq_mgmt_node() {
  curl -fsS -m 3 -u guest:guest "http://127.0.0.1:$PROXE_RABBITMQ_MGMT_PORT/api/overview" 2>/dev/null \
    | grep -o '"node":"[^"]*"' | head -1 | cut -d'"' -f4 || true
}

# True while the pid file names a live Erlang VM of our node (a stale file may name any process).
rabbitmq_running() {
  local pid
  pid=$(cat "$RMQ_HOME/rabbitmq.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "RABBITMQ_NODENAME=$PROXE_RABBITMQ_NODE"
}

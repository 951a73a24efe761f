#!/usr/bin/env bash
# Runs PROXe locally: PostgreSQL + RabbitMQ (Docker Compose when a Docker engine answers, else the
# system packages via deploy/local/start.sh), migrations, then gateway, workers and dashboard.
# Ctrl+C stops the services, and PostgreSQL/RabbitMQ too when this script started them.
# ./run.sh --demo also runs `proxe demo` (the seed's three scenarios) once everything is ready.
# The services are Release builds; ./run.sh --debug runs Debug builds (breakpoints, no optimizations).
#   PROXE_GATEWAY_PORT (5080)  PROXE_DASHBOARD_PORT (5081)  PROXE_WORKERS_PORT (5082)
#   PROXE_PG_PORT (5432)  PROXE_AMQP_PORT (5672)  PROXE_RABBITMQ_MGMT_PORT (15672)
set -euo pipefail
demo="" configuration=Release
for arg in "$@"; do
  case "$arg" in
    --demo) demo=1 ;;
    --debug) configuration=Debug ;;
    *) echo "usage: ./run.sh [--demo] [--debug]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$(pwd -P)"

# --- per-checkout secrets, generated once into .proxe/ (git-ignored) --------------------------
mkdir -p .proxe
secrets=.proxe/local.env
if [ ! -f "$secrets" ]; then
  token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  umask 077
  cat >"$secrets" <<EOF
PROXE_APP_PASSWORD=$(token)
PROXE_DEMO_BRAND=demo
PROXE_DEMO_API_KEY=$(token)
PROXE_DEMO_WEB_SECRET=$(token)
PROXE_DEMO_DASHBOARD_KEY=$(token)
EOF
  umask 022
fi
# The demo brand's provider accounts (WhatsApp, Meta, Twilio) came later: add their secrets to older files.
for name in PROXE_DEMO_WHATSAPP_APP_SECRET PROXE_DEMO_WHATSAPP_VERIFY_TOKEN PROXE_DEMO_META_APP_SECRET \
            PROXE_DEMO_META_VERIFY_TOKEN PROXE_DEMO_TWILIO_AUTH_TOKEN; do
  grep -q "^$name=" "$secrets" || echo "$name=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >>"$secrets"
done
set -a; source "$secrets"; set +a

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  echo "[proxe] Docker engine found: docker compose up (Ctrl+C stops)"
  [ -z "$demo" ] || echo "[proxe] --demo: once it is up, run 'set -a; . .proxe/local.env; dotnet run --project src/Proxe.Cli -- demo' in another terminal"
  exec docker compose up --build
fi

source deploy/local/env.sh
GATEWAY_PORT="${PROXE_GATEWAY_PORT:-5080}"
DASHBOARD_PORT="${PROXE_DASHBOARD_PORT:-5081}"
WORKERS_PORT="${PROXE_WORKERS_PORT:-5082}"
mkdir -p "$PROXE_STATE/logs"
# Where this stack listens, for bench/load.sh (variables already set in its environment win).
cat >"$PROXE_STATE/ports.env" <<ENV
PROXE_GATEWAY_PORT=\${PROXE_GATEWAY_PORT:-$GATEWAY_PORT}
PROXE_WORKERS_PORT=\${PROXE_WORKERS_PORT:-$WORKERS_PORT}
PROXE_DASHBOARD_PORT=\${PROXE_DASHBOARD_PORT:-$DASHBOARD_PORT}
PROXE_PG_PORT=\${PROXE_PG_PORT:-$PROXE_PG_PORT}
PROXE_AMQP_PORT=\${PROXE_AMQP_PORT:-$PROXE_AMQP_PORT}
ENV

# --- local PostgreSQL + RabbitMQ --------------------------------------------------------------
started_services=""
pg_isready -q -h 127.0.0.1 -p "$PROXE_PG_PORT" 2>/dev/null && [ "$(rabbitmq_mgmt_node)" = "$PROXE_RABBITMQ_NODE" ] \
  || started_services=1
deploy/local/start.sh

# --- database and migrations ------------------------------------------------------------------
psql_admin() { PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PROXE_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
[ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'proxe'")" = 1 ] \
  || psql_admin -d postgres -c "CREATE DATABASE proxe"

admin_cs="Host=127.0.0.1;Port=$PROXE_PG_PORT;Database=proxe;Username=postgres;Password=postgres"
echo "[proxe] building ($configuration)"
build() { local out; out=$(dotnet build "$1" -c "$configuration" -v q --nologo 2>&1) || { echo "$out" >&2; exit 1; }; }
for project in Cli Gateway Workers Dashboard; do build "src/Proxe.$project"; done
echo "[proxe] applying migrations"
dotnet run --no-build -c "$configuration" --project src/Proxe.Cli -- migrate --connection-string "$admin_cs"

# The services log in as proxe_app and take the application role of the migrations (NOLOGIN).
psql_admin -d proxe <<SQL
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'proxe_app') THEN
    CREATE ROLE proxe_app LOGIN;
  END IF;
END \$\$;
ALTER ROLE proxe_app PASSWORD '$PROXE_APP_PASSWORD';
GRANT proxe_ingest, proxe_reader TO proxe_app;
SQL
app_cs="Host=127.0.0.1;Port=$PROXE_PG_PORT;Database=proxe;Username=proxe_app;Password=$PROXE_APP_PASSWORD"

# --- services ---------------------------------------------------------------------------------
export ASPNETCORE_ENVIRONMENT=Development DOTNET_NOLOGO=1
export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:$PROXE_AMQP_PORT/"
pids=()

# The services run in sessions of their own (exec_in_session): no signal of the terminal reaches them, only this.
cleanup() {
  trap - INT TERM HUP EXIT
  set +e  # a closed terminal makes echo fail; the services must still be stopped
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  echo
  echo "[proxe] stopping services"
  wait 2>/dev/null || true
  if [ -n "$started_services" ]; then deploy/local/stop.sh; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

start_service() { # name port autogroup-nice extra-env...
  local name=$1 port=$2 nice=$3; shift 3
  local dll="$ROOT/src/Proxe.$name/bin/$configuration/net10.0/Proxe.$name.dll"
  (cd "src/Proxe.$name" && exec_in_session "$nice" env "$@" dotnet "$dll" --urls "http://127.0.0.1:$port") \
    >"$PROXE_STATE/logs/$name.log" 2>&1 &
  pids+=($!)
}

# Inline socket completions: see AddGatewayApi in src/Proxe.Gateway/Extensions.cs.
start_service Gateway "$GATEWAY_PORT" "$PROXE_ANSWER_NICE" DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__ApiKey=$PROXE_DEMO_API_KEY" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__DefaultRegion=IN" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__WebWidget__Secret=$PROXE_DEMO_WEB_SECRET" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__WhatsApp__PhoneNumberIds__0=106540352242922" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__WhatsApp__AppSecret=$PROXE_DEMO_WHATSAPP_APP_SECRET" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__WhatsApp__VerifyToken=$PROXE_DEMO_WHATSAPP_VERIFY_TOKEN" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__Meta__PageIds__0=111899832631525" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__Meta__InstagramAccountIds__0=17841400538867190" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__Meta__AppSecret=$PROXE_DEMO_META_APP_SECRET" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__Meta__VerifyToken=$PROXE_DEMO_META_VERIFY_TOKEN" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__Twilio__PhoneNumbers__0=+918047001234" \
  "Proxe__Brands__${PROXE_DEMO_BRAND}__Twilio__AuthToken=$PROXE_DEMO_TWILIO_AUTH_TOKEN"
# Auto-prepare: the workers repeat a handful of statements, so PostgreSQL plans each once per connection (bench/README.md).
start_service Workers "$WORKERS_PORT" 0 "ConnectionStrings__Proxe=$app_cs;Options=-c role=proxe_ingest;Max Auto Prepare=64"
start_service Dashboard "$DASHBOARD_PORT" 0 "ConnectionStrings__Proxe=$app_cs;Options=-c role=proxe_reader" \
  "Proxe__Dashboard__Users__${PROXE_DEMO_BRAND}_team__Key=$PROXE_DEMO_DASHBOARD_KEY" \
  "Proxe__Dashboard__Users__${PROXE_DEMO_BRAND}_team__Brands__0=$PROXE_DEMO_BRAND"

status() { curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1$2" || true; }
echo "[proxe] waiting for /health/ready"
for name_port in "Gateway:$GATEWAY_PORT" "Workers:$WORKERS_PORT" "Dashboard:$DASHBOARD_PORT"; do
  name=${name_port%%:*} port=${name_port##*:}
  for _ in $(seq 90); do
    [ "$(status "$port" /health/ready)" = 200 ] && break
    sleep 1
  done
  printf '  %-9s http://127.0.0.1:%s   live %s  ready %s   log .proxe/logs/%s.log\n' \
    "$name" "$port" "$(status "$port" /health/live)" "$(status "$port" /health/ready)" "$name"
done

cat <<EOF

PROXe is running:
  Gateway     http://127.0.0.1:$GATEWAY_PORT      (POST /v1/interactions, /webhooks/...)
  Dashboard   http://127.0.0.1:$DASHBOARD_PORT
  Workers     http://127.0.0.1:$WORKERS_PORT/health/ready
  RabbitMQ    management UI http://127.0.0.1:$PROXE_RABBITMQ_MGMT_PORT/   login guest / guest
  PostgreSQL  psql "host=127.0.0.1 port=$PROXE_PG_PORT dbname=proxe user=postgres password=postgres"
  Demo brand  '$PROXE_DEMO_BRAND'   X-Proxe-Key: $PROXE_DEMO_API_KEY
              web widget secret: $PROXE_DEMO_WEB_SECRET
              WhatsApp 106540352242922, Meta page 111899832631525 / Instagram 17841400538867190,
              Twilio +918047001234 (their secrets: PROXE_DEMO_* in .proxe/local.env)
              dashboard key: $PROXE_DEMO_DASHBOARD_KEY   (all in .proxe/local.env)
Ctrl+C stops everything.
EOF

if [ -n "$demo" ]; then
  echo
  dotnet run --no-build -c "$configuration" --project src/Proxe.Cli -- demo --gateway "http://127.0.0.1:$GATEWAY_PORT" \
    --dashboard "http://127.0.0.1:$DASHBOARD_PORT" --db "$app_cs;Options=-c role=proxe_reader" \
    || echo "[proxe] the demo failed (see above); the services keep running" >&2
fi

# Returns when Ctrl+C arrives or any service exits.
wait -n 2>/dev/null || true
echo "[proxe] a service exited; see .proxe/logs/" >&2
exit 1

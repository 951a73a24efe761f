#!/usr/bin/env bash
# rabbitmqctl against this checkout's RabbitMQ node (deploy/local/start.sh), as the rabbitmq user:
#   deploy/local/rabbitmqctl.sh list_queues -p /
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
as_rabbitmq "$RABBITMQ_BIN/rabbitmqctl" -n "$PROXE_RABBITMQ_NODE" "$@"

#!/bin/sh
# Entry point of the mcpg image: the first argument names the app, the rest go
# to it. Before starting an app it checks the variables that app cannot run
# without, plus any listed in MCPG_REQUIRED_ENV (names separated by spaces or
# commas), and exits with status 2 naming every one that is empty, so a
# missing setting shows up in `docker logs` / `kubectl logs` as one line.
set -eu

home="${MCPG_HOME:-/app}"
apps="mcpg gateway rollup-worker ledger-worker query-api fleet-sim"
app="${1:-mcpg}"
if [ $# -gt 0 ]; then shift; fi

missing=""
need() {
  for name in "$@"; do
    case "$name" in
      '' ) continue ;;
      [!A-Za-z_]* | *[!A-Za-z0-9_]* ) echo "mcpg-entrypoint: MCPG_REQUIRED_ENV holds an invalid variable name: $name" >&2; exit 2 ;;
    esac
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then missing="$missing $name"; fi
  done
}

case "$app" in
  mcpg)
    # The CLI runs anywhere (mcpg up even embeds ClickHouse); only migrate needs the server.
    if [ "${1:-}" = migrate ]; then need MCPG_CLICKHOUSE_URL; fi ;;
  gateway) need MCPG_GATEWAY_CONFIG ;;
  rollup-worker) need MCPG_KAFKA_BROKERS MCPG_CLICKHOUSE_URL ;;
  ledger-worker)
    need MCPG_KAFKA_BROKERS MCPG_CLICKHOUSE_URL
    if [ -z "${MCPG_LEDGER_KEY_FILE:-}${MCPG_LEDGER_KEY:-}" ]; then missing="$missing MCPG_LEDGER_KEY_FILE(or MCPG_LEDGER_KEY)"; fi ;;
  query-api) need MCPG_CLICKHOUSE_URL ;;
  fleet-sim) need MCPG_KAFKA_BROKERS ;;
  *)
    echo "mcpg-entrypoint: unknown app \"$app\"; one of: $apps" >&2
    exit 2 ;;
esac
# shellcheck disable=SC2046 # word splitting of the list is the point
need $(printf '%s' "${MCPG_REQUIRED_ENV:-}" | tr ',' ' ')

if [ -n "$missing" ]; then
  echo "mcpg-entrypoint: $app cannot start: required variable(s) not set:$missing" >&2
  exit 2
fi

# Files the app would only fail on later, with a less direct message.
if [ "$app" = gateway ] && [ ! -r "$MCPG_GATEWAY_CONFIG" ]; then
  echo "mcpg-entrypoint: gateway cannot start: MCPG_GATEWAY_CONFIG=$MCPG_GATEWAY_CONFIG is not a readable file (mount the configuration there)" >&2
  exit 2
fi
if [ "$app" = ledger-worker ] && [ -n "${MCPG_LEDGER_KEY_FILE:-}" ] && [ ! -r "$MCPG_LEDGER_KEY_FILE" ]; then
  echo "mcpg-entrypoint: ledger-worker cannot start: MCPG_LEDGER_KEY_FILE=$MCPG_LEDGER_KEY_FILE is not readable by uid $(id -u) (mount the signing key there; see docs/operations.md)" >&2
  exit 2
fi

# tsx resolves the workspace's path aliases from tsconfig.json in the working directory.
cd "$home"
case "$app" in
  mcpg) exec node "$home/bin/mcpg.mjs" "$@" ;;
  *) exec node --import tsx "$home/apps/$app/src/main.ts" "$@" ;;
esac

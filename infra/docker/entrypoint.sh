#!/bin/sh
# Selects the app to run from the first argument.
set -e
app="${1:-mcpg}"
[ $# -gt 0 ] && shift
case "$app" in
  mcpg) exec node /app/bin/mcpg.mjs "$@" ;;
  rollup-worker|query-api|fleet-sim) exec node --import tsx "/app/apps/$app/src/main.ts" "$@" ;;
  *) echo "unknown app: $app (mcpg, rollup-worker, query-api, fleet-sim)" >&2; exit 2 ;;
esac

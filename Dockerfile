# syntax=docker/dockerfile:1
# One image for every mcpg app; the first argument picks the app:
#   docker run mcpg:local gateway          docker run mcpg:local rollup-worker
#   docker run mcpg:local ledger-worker    docker run mcpg:local query-api
#   docker run mcpg:local fleet-sim        docker run mcpg:local mcpg migrate
# The apps run their TypeScript through tsx (a production dependency), as
# `npm start` does, so there is no separate build step to drift from the source.
ARG NODE_IMAGE=node:20-bookworm-slim

# Production dependencies only, resolved exactly from the lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The runtime: node, tini (signals and reaping for the gateway's stdio
# upstreams), the dependencies and the sources; no npm, no compilers, no tests.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-*
ENV NODE_ENV=production \
    MCPG_HOME=/app \
    MCPG_DATA_DIR=/var/lib/mcpg
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY bin ./bin
COPY apps ./apps
COPY libs ./libs
COPY schemas ./schemas
COPY infra/gateway ./infra/gateway
COPY infra/docker/entrypoint.sh /usr/local/bin/mcpg-entrypoint
# The web console (/console/ of the query API), built into the image so a
# container with a read-only root starts without building it.
RUN node --import tsx --input-type=module -e "await (await import('./libs/console/src/index.ts')).ensureConsoleBuilt()"
# Everything above belongs to root and is read-only for the app user; only
# the data directory (spool, embedded engine) is the app's to write.
RUN chmod 0755 /usr/local/bin/mcpg-entrypoint \
 && mkdir -p /var/lib/mcpg \
 && chown node:node /var/lib/mcpg
# Numeric, so Kubernetes can check runAsNonRoot (1000 is `node` in the node images).
USER 1000:1000
EXPOSE 7843 8930 9090
ENTRYPOINT ["/usr/bin/tini", "--", "mcpg-entrypoint"]
CMD ["mcpg", "--help"]

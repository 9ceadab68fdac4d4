# One image for every mcpg app; the command picks the app, e.g.
#   docker run mcpg rollup-worker      docker run mcpg query-api
#   docker run mcpg mcpg migrate       docker run mcpg fleet-sim
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production MCPG_DATA_DIR=/var/lib/mcpg
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json tsconfig.base.json ./
COPY bin ./bin
COPY apps ./apps
COPY libs ./libs
COPY schemas ./schemas
COPY infra/docker/entrypoint.sh /usr/local/bin/mcpg-entrypoint
RUN mkdir -p /var/lib/mcpg && chown node:node /var/lib/mcpg
USER node
ENTRYPOINT ["mcpg-entrypoint"]
CMD ["mcpg", "--help"]

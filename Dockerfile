# syntax=docker/dockerfile:1
# One process serves everything: the pages, STOMP over WebSocket (/ws) and over TCP, /healthz, /metrics.
#   docker build -t stomping-ground .
#   docker run -p 8080:8080 -p 61613:61613 stomping-ground

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles SQLite where no prebuilt binary downloads.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
# pnpm exactly as package.json's `packageManager` pins it (npm installs it: corepack's signature
# check fails against some registry mirrors).
COPY package.json ./
RUN npm install -g "$(node -p "require('./package.json').packageManager.split('+')[0]")" && pnpm --version
# Manifests first, so the dependency layer is reused until a manifest changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY apps/server/package.json apps/server/
COPY apps/ticker/package.json apps/ticker/
COPY apps/game/package.json apps/game/
COPY apps/landing/package.json apps/landing/
COPY packages/protocol/package.json packages/protocol/
COPY packages/contracts/package.json packages/contracts/
COPY packages/broker/package.json packages/broker/
COPY packages/inspector/package.json packages/inspector/
COPY packages/game-sim/package.json packages/game-sim/
COPY packages/client/package.json packages/client/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build
# What runs, and nothing else: the server's bundle (dist/, its package.json `files`; the workspace
# packages are bundled in, so they are dev dependencies) with its production dependencies only,
# the built pages, and the lessons.
RUN pnpm deploy --filter @stomping-ground/server --prod --legacy /deploy/apps/server \
  && cp -r apps/ticker/dist /deploy/apps/ticker-dist \
  && cp -r apps/game/dist /deploy/apps/game-dist \
  && cp -r apps/landing/dist /deploy/apps/landing-dist \
  && cp -r docs /deploy/docs

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 STOMP_TCP_PORT=61613 DATA_DIR=/var/lib/stomping-ground
# The queues' SQLite file: keep it on a volume.
RUN mkdir -p /var/lib/stomping-ground && chown node:node /var/lib/stomping-ground
VOLUME /var/lib/stomping-ground
WORKDIR /app
# The server finds the pages beside it, as in the repository: apps/<page>/dist.
COPY --from=build --chown=node:node /deploy/apps/server apps/server
COPY --from=build --chown=node:node /deploy/apps/ticker-dist apps/ticker/dist
COPY --from=build --chown=node:node /deploy/apps/game-dist apps/game/dist
COPY --from=build --chown=node:node /deploy/apps/landing-dist apps/landing/dist
COPY --from=build --chown=node:node /deploy/docs docs
USER node
WORKDIR /app/apps/server
EXPOSE 8080 61613
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) drains sessions: ERROR "server shutting down", close 1001, then exit.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]

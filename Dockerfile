# The product's image: one image, one process per container (docker-compose.yml picks the command).
# Two stages: the build, with the dev tools, and the runtime, with only what runs, as the unprivileged `node` user.
# CI builds the same tree without Docker (release/check.ts reads this file and runs its npm/node steps), so keep to
# FROM, WORKDIR, USER, COPY, RUN, ENV, EXPOSE and CMD.

FROM node:24-bookworm-slim AS build
USER node
WORKDIR /home/node/src
COPY --chown=node:node . .
RUN npm ci --no-audit --no-fund
RUN npm run build
RUN bash release/assemble.sh .tree

FROM node:24-bookworm-slim
# Chromium prints the yearly report as PDF (reports/pdf.ts), started at the first one asked for.
RUN apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*
RUN mkdir /app && chown node:node /app
USER node
WORKDIR /app
COPY --from=build --chown=node:node /home/node/src/.tree ./
# Exactly the locked runtime packages: no dev tools, no optional extras (the embedded PostgreSQL of the dev stack).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
RUN rm -rf /home/node/.npm
ENV NODE_ENV=production SPASER_STACK=external LOG_FORMAT=json WEB_HOST=0.0.0.0 CHROMIUM_PATH=/usr/bin/chromium
EXPOSE 3000
# Everything in one process; compose runs `node dist/worker.js`, `consumer.js`, `relay.js`, `web.js`, `migrate.js`.
CMD ["node", "dist/main.js"]

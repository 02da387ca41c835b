# The product's processes (worker; later the consumer and web app) for docker compose.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production LOG_FORMAT=json SPASER_STACK=external
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm install --no-audit --no-fund
COPY . .
CMD ["sh", "-c", "npm run db:migrate && npm run worker"]

# The Stellar Steward worker. Build: docker build -t stellar-steward .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/crds ./crds
COPY --from=build /app/bin ./bin
COPY package.json ./
USER node
ENTRYPOINT ["node", "dist/worker/main.js"]

# The Stellar Steward worker. Build: docker build -t stellar-steward:0.1.0 .
# `npm install` rather than `npm ci`: the lock written by npm 11 lacks other platforms' optional entries.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY activities ./activities
COPY kube ./kube
COPY domain ./domain
COPY router ./router
COPY stack ./stack
COPY starter ./starter
COPY worker ./worker
COPY workflows ./workflows
COPY test ./test
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Two glibc malloc arenas instead of 8 per core: the worker's threads (the Temporal core's, Node's, the
# workflow thread) otherwise each grow an arena of their own. bench/scale.ts, 1,000 pools: RSS 1,030 MiB
# at the end and 1,107 at the peak with the default, 896 and 971 MiB with 2.
ENV MALLOC_ARENA_MAX=2
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY crds ./crds
COPY bin ./bin
COPY package.json ./
USER node
# Prometheus metrics (STEWARD_METRICS_PORT)
EXPOSE 9464
# The preload runs in the SDK's workflow threads before it sets them up: it leaves the SDK's workflow stack
# traces off (STEWARD_WORKFLOW_STACK_TRACES=on turns them on; see worker/workflow-threads.cts and README, Scale).
ENTRYPOINT ["node", "--require", "./dist/worker/workflow-threads.cjs", "dist/worker/main.js"]

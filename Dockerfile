# syntax=docker/dockerfile:1
# enrollsim image for deploy/k8s/enrollsim-job.yaml (see deploy/k8s/README.md).
# Build:  docker build -t ghcr.io/example/enrollsim:0.1.0 .
#
# Base: Node 20 LTS pinned by version tag. Pinning by digest (node:20.20.2-bookworm-slim@sha256:…)
# is better — a tag can be re-pushed, a digest names exactly the bytes that were reviewed — but a
# digest cannot be looked up or verified from the machine this file was written on (no registry
# access, no docker), and a made-up digest would be worse than none. Add it when you build:
#   docker buildx imagetools inspect node:20.20.2-bookworm-slim
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- 1. build: compile TypeScript with the dev dependencies --------------------------------------
FROM ${NODE_IMAGE} AS build
# python3, make, g++: better-sqlite3 compiles its native binding when no prebuilt one matches
# (in the deps stage, which starts FROM this one).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the root "prepare" script runs tsc, which needs the sources copied below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- 2. deps: production dependencies only, native binding built here ----------------------------
# `npm ci --omit=dev` runs in its own stage so that python3/make/g++ never reach the runtime image.
# The root "prepare" script (tsc) is skipped with --ignore-scripts (dist/ comes from stage 1);
# `npm rebuild better-sqlite3` then runs the one install script the runtime needs.
# test/deploy/image-steps.test.ts performs these steps in a clean directory (docker cannot run there).
FROM build AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 \
    && npm cache clean --force

# --- 3. runtime: no compiler, no dev dependencies, not root --------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ENROLLSIM_KEY_POOL=/keys
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json package-lock.json README.md ./
COPY devices ./devices
COPY agents ./agents
COPY scenarios ./scenarios
# uid/gid 10001 match the Job's securityContext (runAsUser/fsGroup 10001). The key pool (/keys,
# $ENROLLSIM_KEY_POOL, read by `run` and `keys pregen`) and the output dir (/out: summaries,
# fleet stores) are volumes; pre-generate the pool once: `keys pregen --count 5000 --dir /keys`.
RUN groupadd --gid 10001 enrollsim && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin enrollsim \
    && mkdir -p /keys /out /scenario && chown enrollsim:enrollsim /keys /out
USER 10001:10001
VOLUME ["/keys", "/out"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
# One shard-aware run of the mounted scenario (shard from $JOB_COMPLETION_INDEX/$ENROLLSIM_SHARDS)
# on every core the container may use: --workers auto starts one worker thread per available core
# (os.availableParallelism(), which follows the container's CPU affinity), at most one per device.
CMD ["run", "/scenario/scenario.yaml", "--workers", "auto", "--no-progress", "--report", "/out/summary.json"]

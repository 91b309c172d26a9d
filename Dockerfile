# syntax=docker/dockerfile:1
# One image for every role (VIGIL_ROLES picks api / controller / prober), the CLI (`node bin/vigil.js`)
# and the demo's fleet simulator (`node dist/libs/fleet/src/fleet-server.js`).
# Node 24 is the active LTS; package.json's engines stays >=20.19 for development machines and CI.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only, installed on their own so no devDependency reaches the image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
# docker build --build-arg VERSION=$(node -p "require('./package.json').version") \
#   --build-arg REVISION=$(git rev-parse HEAD) --build-arg SOURCE=<the repository URL> .
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="vigil" \
      org.opencontainers.image.description="Vigil: multi-IDC health checks and safe automatic failover" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
# VIGIL_REVISION labels vigil_build_info with the revision the image was built from.
ENV NODE_ENV=production \
    PORT=3000 \
    VIGIL_REVISION=${REVISION}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
# The uid of the image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
# Liveness of whatever PORT the process listens on; node's fetch, as the image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/vigil/src/main.js"]

# syntax=docker/dockerfile:1
#
# grid-dispatch in a container. Build: `docker build -t grid-dispatch .`
# In a container the service uses an external PostgreSQL (DATABASE_URL, as
# docker-compose.yml sets it); without DATABASE_URL it starts the embedded one
# under DATA_DIR, which works too since the image runs as a non-root user.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: every dependency, TypeScript compiled into dist/ ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# web/ (the monitor page) is optional; an empty one keeps the runtime stage's COPY simple.
RUN npm run build && mkdir -p web

# --- runtime: production dependencies, the compiled service, the models ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/processes ./processes
COPY --from=build /app/web ./web
# DATA_DIR: attachments (and the embedded PostgreSQL if no DATABASE_URL); a volume
# mounted here starts out owned by the image's user.
RUN mkdir -p /data && chown node:node /data
# Inside a container the embedded Zeebe gateway must listen on the container's
# interface. Without GATEWAY_AUTH=jwt it serves every caller, so publish its
# port on 127.0.0.1 only (docker run -p 127.0.0.1:26500:26500 ...); with
# GATEWAY_AUTH=jwt it checks every call's bearer token and may be published.
ENV DATA_DIR=/data \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_ALLOW_UNAUTHENTICATED=true

# The node image's unprivileged user (uid 1000).
USER node

# Zeebe gateway (gRPC), Open311, HTTP API (/graphql, /monitor, /metrics, /healthz, /readyz; API_PORT).
EXPOSE 26500 8080 8311 4000

# node:*-slim has neither curl nor wget; Node's fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.API_PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

# Not `npm start`: it would rebuild, and npm would sit between the signals and the service.
CMD ["node", "--enable-source-maps", "dist/main.js"]

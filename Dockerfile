# syntax=docker/dockerfile:1
#
# boxoffice: the web UI and the release binary, built with the same make targets as the README
# (`make ui`, `make release`), in a small Debian runtime image.
#
#   docker build -t boxoffice:local .
#   docker run --rm -p 8080:8080 boxoffice:local        # embedded SQLite in /app/data
#
# docker-compose.yml runs three of these against PostgreSQL and Redis.

# ---- web UI ---------------------------------------------------------------------------------
FROM node:20-bookworm AS ui
WORKDIR /src
# Only what the UI build reads: the Makefile (for `make ui`) and the frontend sources.
# .dockerignore keeps a host frontend/node_modules and frontend/dist out.
COPY Makefile ./
COPY frontend/ frontend/
RUN make ui

# ---- release binary -------------------------------------------------------------------------
FROM rust:1.95-bookworm AS build
WORKDIR /src
# The whole context minus .dockerignore: Cargo.toml, Cargo.lock, actors/, src/, migrations/ and
# whatever else the workspace manifest names (benches/, tests/ when present), so the build does not
# break when a target directory is added or missing.
COPY . .
# Cache mounts keep the registry and target/ between builds (a source change recompiles only the
# workspace crates); the binary is copied out of the cache mount in the same step.
RUN --mount=type=cache,id=boxoffice-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=boxoffice-cargo-git,target=/usr/local/cargo/git \
    --mount=type=cache,id=boxoffice-target,target=/src/target \
    make release \
 && install -D -m 0755 target/release/boxoffice /out/boxoffice

# ---- runtime --------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime
# ca-certificates for TLS to managed databases, curl for health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 boxoffice \
 && useradd --system --uid 10001 --gid boxoffice --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin boxoffice \
 && mkdir -p /app/data \
 && chown boxoffice:boxoffice /app/data
COPY --from=build /out/boxoffice /usr/local/bin/boxoffice
COPY --from=ui /src/frontend/dist /app/ui
WORKDIR /app
# Containers listen on every interface; without DATABASE_URL the default embedded SQLite file is
# ./data/boxoffice.db, i.e. /app/data (writable by the boxoffice user; mount a volume to keep it).
ENV BOXOFFICE_LISTEN=0.0.0.0:8080 \
    BOXOFFICE_UI_DIR=/app/ui
USER boxoffice
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/live || exit 1
ENTRYPOINT ["boxoffice"]
CMD ["serve"]

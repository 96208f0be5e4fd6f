# The two commands: `make run` builds everything and starts the server; `make test` installs what
# the tests need (PostgreSQL, Redis, Chromium) when missing and runs every test. `make bench` runs
# the benchmark and writes bench/results.md and bench/results.svg.

CARGO ?= cargo
NPM ?= npm
UI_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts

.PHONY: run ui release test test-deps test-rust test-ui test-e2e lint bench

## Build the web UI and the release binary, then serve on http://127.0.0.1:8080 (embedded SQLite).
run: ui release
	./target/release/boxoffice serve

## The release binary (the Dockerfile builds with this target too).
release:
	$(CARGO) build --release --locked --bin boxoffice

ui: frontend/dist/index.html

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	$(NPM) --prefix frontend ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(UI_SOURCES)
	$(NPM) --prefix frontend run build

## Every test: Rust (engine, real PostgreSQL, Redis and SQLite), UI unit tests, browser end to end.
test: test-deps ui test-rust test-ui test-e2e

test-deps:
	scripts/test-deps.sh

test-rust:
	$(CARGO) test --workspace

test-ui: frontend/node_modules/.package-lock.json
	$(NPM) --prefix frontend test

## The built UI against the real (debug) binary in headless Debian Chromium.
test-e2e: ui
	$(CARGO) build --bin boxoffice
	$(NPM) --prefix frontend run e2e

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## The benchmark: a throwaway PostgreSQL and Redis, the release server, every scenario for each
## strategy; prints the table and writes bench/results.md and bench/results.svg (a few minutes).
bench: test-deps
	$(CARGO) build --release --locked --bin boxoffice
	./target/release/boxoffice bench

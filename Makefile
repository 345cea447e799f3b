# Praxis: `make run` serves on 127.0.0.1:8080 with SQLite; `make test` runs every test.
# Builds go to a cache outside the checkout so clean clones (CI) reuse earlier work.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/praxis/target
CARGO ?= cargo
PRAXIS_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres


.PHONY: test-deps run test test-pg lint fmt bench openapi migrate seed-demo build release check-openapi schemathesis

run:
	$(CARGO) run --bin praxis -- serve

build:
	$(CARGO) build --workspace --all-targets

release:
	$(CARGO) build --release --bin praxis

test: test-deps
	$(CARGO) test --workspace

test-pg: test-deps
	PRAXIS_TEST_BACKEND=postgres PRAXIS_TEST_POSTGRES_URL=$(PRAXIS_TEST_POSTGRES_URL) $(CARGO) test -p praxis-tests

test-deps:
	bash tests/install-deps.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

openapi:
	$(CARGO) run --quiet --bin praxis -- openapi > openapi.json

migrate:
	$(CARGO) run --bin praxis -- migrate

seed-demo:
	$(CARGO) run --bin praxis -- seed-demo

bench:
	bash bench/run.sh

# Schemathesis against the served document as a member and as an admin (what CI runs).
schemathesis:
	bash .ci/schemathesis.sh

# TRCR — the two commands that matter on a fresh machine are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/trcr
# Packages a machine needs: PostgreSQL for the embedded default, Chromium and poppler for the tests.
RUN_PACKAGES := postgresql
TEST_PACKAGES := postgresql chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build serve test test-short generate check-generated vet deps-run deps-test seed clean bench-http bench-pages

# The dev mailbox (emails shown at /dev/mailbox to this machine) is on for `make run` unless SMTP is configured.
# Requests are logged at debug (TRCR_LOG_LEVEL=debug shows them), so the log shows what else happens.
run: deps-run build ## install what is missing, build and serve on the embedded default
	@echo "==> Starting TRCR: PostgreSQL under $${TRCR_DATA_DIR:-./data}/postgres, migrations, then the server"
	@TRCR_REQUEST_LOG_LEVEL="$${TRCR_REQUEST_LOG_LEVEL:-debug}" \
	TRCR_DEV_MAILBOX="$${TRCR_DEV_MAILBOX:-$$([ -n "$$TRCR_SMTP_URL" ] && echo false || echo true)}" $(BIN) serve

build: ## build bin/trcr
	@echo "==> Building $(BIN) (the first build downloads and compiles every module: a minute or two)"
	@$(GO) build -o $(BIN) ./cmd/trcr

seed: deps-run build ## create the demo organization
	$(BIN) seed

generate: ## regenerate templ components
	$(GO) tool templ generate

# check-generated fails when `templ generate` would change a committed *_templ.go file.
check-generated:
	@echo "==> Checking that templ generate leaves the committed *_templ.go files unchanged"
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	git ls-files -z '*_templ.go' | xargs -0 -I{} cp --parents {} $$tmp; \
	$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; exit 1; }; \
	status=0; for f in $$(git ls-files '*_templ.go'); do cmp -s $$f $$tmp/$$f || { echo "stale: $$f (run make generate)"; status=1; }; done; \
	exit $$status

vet:
	@echo "==> go vet ./..."
	@$(GO) vet ./...

# go test -json piped to cmd/testsum: a line per package as it finishes (and what is still running), failed
# tests' output in full, a summary last; the exit status is go test's or testsum's, whichever failed.
test: deps-test check-generated vet ## run every test (starts its own PostgreSQL)
	@echo "==> go test ./... (every package; the first line appears when the first package is done)"
	@$(GO) build -o bin/testsum ./cmd/testsum
	@set -o pipefail; $(GO) test -count=1 -timeout 30m -json ./... | bin/testsum

test-short: ## the tests without the browser
	@$(GO) build -o bin/testsum ./cmd/testsum
	@set -o pipefail; $(GO) test -count=1 -short -json ./... | bin/testsum

# Whole requests beside pgbench -S on one private PostgreSQL (docs/PERFORMANCE.md, "Throughput of whole requests").
bench-http: deps-run ## API and page throughput as shares of pgbench -S (slow: seeds 100,000 tasks)
	scripts/bench-http

# Page loads and interactions in headless Chromium against a private server seeded with 20,000 tasks
# (docs/PERFORMANCE.md, "Page speed in the browser"). BENCH_PAGES_ARGS: e.g. -runs 10, -out FILE, -short, -profile DIR.
bench-pages: deps-test ## page speed in the browser: median and worst against the goals of issue 15 (about 5 minutes)
	$(GO) run ./cmd/benchpages $(BENCH_PAGES_ARGS)

deps-run:
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing $(RUN_PACKAGES)"; $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(RUN_PACKAGES); fi

deps-test:
	@missing=""; \
	{ command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

clean:
	rm -rf bin

.PHONY: icons

icons: ## rewrite the icon sprite static/img/icons.svg from views/icons.go
	TRCR_UPDATE_ICONS=1 $(GO) test -count=1 -run TestIconSprite_UpToDate ./views/

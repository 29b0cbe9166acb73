# Polku: `make` lists what you can run.
#
# Targets that need PostgreSQL start the throwaway local cluster first
# (scripts/pg.sh; installs PostgreSQL with apt-get when run as root and missing)
# and pass its URL on as DATABASE_URL.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# staticcheck 2026.2.2, the first release line built for Go 1.26.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PG := scripts/pg.sh

.PHONY: help run test lint bench bench-reminders bench-compare fuzz flows build clean pg-start pg-stop pg-destroy

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## the bot: a console when TELEGRAM_BOT_TOKEN is unset, Telegram when set
	@DATABASE_URL=$$($(PG) start); export DATABASE_URL; go run ./cmd/polku

test: lint ## lint, then every test on the local PostgreSQL
	@DATABASE_URL=$$($(PG) start); export DATABASE_URL; go test -count=1 -timeout 30m ./...

lint: ## go mod tidy check, go vet, gofmt and staticcheck
	@go mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	go vet ./...
	@files=$$(find . -path ./.pg -prune -o -path ./.git -prune -o -path ./bin -prune -o -path '*/testdata' -prune -o -name '*.go' -print | xargs -r gofmt -l); \
	if [[ -n $$files ]]; then echo "gofmt would change:"; echo "$$files"; exit 1; fi
	go run $(STATICCHECK) ./...

bench: ## load test: updates per second and reply latency
	@DATABASE_URL=$$($(PG) start); export DATABASE_URL; go run ./cmd/polku load

bench-reminders: ## 10,000 reminders due at once at Telegram's 30 msg/s, bot killed half-way (~6 min)
	@DATABASE_URL=$$($(PG) start); export DATABASE_URL; go run ./cmd/polku load -reminders 10000 -kill

BENCH ?= ../shared/bench

bench-compare: ## Polku beside a null bot under the same random walk, polling then webhook (~2 min; BENCH=dir of compare.sh)
	@test -x $(BENCH)/compare.sh || { echo "no $(BENCH)/compare.sh: set BENCH to the bench directory"; exit 2; }
	$(BENCH)/compare.sh
	MODE=webhook $(BENCH)/compare.sh

fuzz: ## fuzz update handling for 60s
	@DATABASE_URL=$$($(PG) start); export DATABASE_URL; go test -run='^$$' -fuzz=FuzzUpdate -fuzztime=60s ./bot/

flows: ## regenerate the flow diagrams in docs/
	go run ./cmd/polku flows docs/

build: ## build bin/polku
	go build -o bin/polku ./cmd/polku

clean: ## remove build and test output (not the cluster: see pg-destroy)
	rm -rf bin
	rm -f *.test *.prof cover*.out

pg-start: ## start the local PostgreSQL; prints DATABASE_URL
	@$(PG) start

pg-stop: ## stop the local PostgreSQL
	@$(PG) stop

pg-destroy: ## stop the local PostgreSQL and delete its data
	@$(PG) destroy

# The two commands a newcomer needs: `make demo` and `make test`.

MODULE  := github.com/opencode-orchestrator/orchestrator
BIN     := bin/orchestrator
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X $(MODULE)/orchestrator.Version=$(VERSION)

.PHONY: build test lint demo install bench vscode clean

build:
	go build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Lint first: a formatting slip fails fast instead of after the suite. The editor suites
# run verbosely and print their results, so that a skipped one says so and why (and
# everything when one fails).
test: lint
	go test -race -count=1 $$(go list ./... | grep -v '/editors$$')
	@log=$$(mktemp); go test -count=1 -v ./editors >$$log 2>&1; code=$$?; \
	if [ $$code -eq 0 ]; then grep -E '^ *--- |SKIPPED|^ok' $$log; else cat $$log; fi; rm -f $$log; exit $$code

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	go vet ./...

# A whole mission, offline with a scripted model (or live: make demo MODEL=openai/gpt-4.1),
# then the checks on a sample workspace, then an editor session against the real server.
MODEL ?=
demo: build
	bash orchestrator/testdata/demo.sh $(BIN) $(MODEL)
	@echo
	bash analysis/testdata/demo.sh $(BIN)
	@echo
	bash server/testdata/demo.sh $(BIN)

install:
	go install -ldflags "$(LDFLAGS)" .

bench:
	go test -run '^$$' -bench . -benchmem ./...

# The VS Code extension, packaged: editors/vscode/dist/orchestrator.vsix.
vscode:
	cd editors/vscode && npm ci --no-audit --no-fund && npm run package

clean:
	rm -rf bin editors/vscode/dist editors/vscode/out

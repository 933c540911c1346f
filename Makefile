# The two commands a newcomer needs: `make demo` and `make test`.

MODULE  := github.com/opencode-orchestrator/orchestrator
BIN     := bin/orchestrator
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X $(MODULE)/orchestrator.Version=$(VERSION)

.PHONY: build test lint demo install bench clean

build:
	go build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Lint first: a formatting slip fails fast instead of after the suite.
test: lint
	go test -race -count=1 ./...

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

clean:
	rm -rf bin

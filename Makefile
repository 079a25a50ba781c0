# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Everything installs into .venv from the pinned versions in constraints.txt (the set that passed here).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kaopu-installed

.PHONY: setup test lint demo clean-venv lock chromium redis

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "python venv module missing: installing python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test,model,bench,dask]"
	@touch $(STAMP)

# The report's browser test drives Debian's Chromium (Playwright never downloads a browser here), and a
# CJK font so its screenshots show Chinese; installed only when missing.
chromium:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { \
	  echo "installing chromium and a Chinese font for the report's browser test"; \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; }

# The shared crawl frontier's tests (tests/test_frontier.py) start a real Redis: Debian's
# redis-server, installed only when missing (the tests start their own on a free port).
redis:
	@command -v redis-server >/dev/null || { \
	  echo "installing redis-server for the shared crawl frontier's tests"; \
	  apt-get update -qq && apt-get install -y -qq redis-server; }

# Two pytest workers, one test file each at a time (module fixtures stay in one process): most of the
# suite waits on subprocesses' imports and servers' start-up, so on 2 cores it takes about half as long.
test: setup chromium redis
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

demo: setup
	$(BIN)/kaopu demo

# Re-pin after a deliberate dependency change (then run `make test` and commit constraints.txt).
lock: setup
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^kaopu' > constraints.txt

clean-venv:
	rm -rf $(VENV)

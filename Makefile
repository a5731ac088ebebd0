# buudien: `make demo` builds and serves a demo province; `make test` runs every check.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/buudien
CHROMIUM ?= /usr/bin/chromium
# Python writes the bytecode it compiles (and pytest its rewritten tests), whatever the shell
# says: a process that compiles its imports again costs seconds, the suite minutes.
unexport PYTHONDONTWRITEBYTECODE

# Test processes per suite (pytest-xdist); each has its own database on both engines. A
# module's tests go to one process (loadscope): a module-scoped fixture (the demo that
# test_demo builds once) is made once, not once per process.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadscope

.PHONY: help install demo serve test test-sqlite test-postgres lint bench messages system-deps postgres clean

help:
	@echo "make demo    - set up, build the demo province (Lạng Sơn) and serve it at http://127.0.0.1:8000"
	@echo "make test    - set up and run every check, on SQLite and on PostgreSQL"
	@echo "make serve   - serve what is in the database"
	@echo "make lint    - ruff, mypy, makemigrations --check"
	@echo "make bench   - benchmarks: ours against the raw baseline"

# The virtual environment, made with the Python that .python-version names (via pyenv).
# Bytecode is compiled here, the packages' and ours: where PYTHONDONTWRITEBYTECODE is set (as
# on the CI machines) every process would otherwise compile its imports again, seconds each.
$(VENV)/.installed: pyproject.toml
	@PYBIN=$$(command -v python$$(cut -d. -f1,2 .python-version) || pyenv which python3 2>/dev/null || command -v python3); \
	  [ -x "$(PY)" ] || "$$PYBIN" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --compile-bytecode --python $(PY) -e '.[dev]'
	touch $@

# The browser tests' JavaScript (package.json: axe-core, which checks the pages' accessibility),
# from the npm registry: nothing is fetched from a CDN when the tests run. Without npm the
# accessibility test skips, and fails in CI (CI=true); system-deps installs Debian's npm.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "npm is missing (apt-get install npm): axe-core is not installed, the" \
	    "accessibility test skips (and fails in CI)"; fi

install: $(VENV)/.installed node_modules/.package-lock.json
	cd buudien && ../$(BIN)/django-admin compilemessages -v 0
	$(PY) -m compileall -q -j 0 buudien bench conftest.py manage.py >/dev/null

demo: install
	$(BIN)/buudien demo

serve: install
	$(BIN)/buudien serve

# Debian packages the tests need: Chromium for the browser tests (Playwright cannot download
# a browser here) and npm for their axe-core, poppler-utils to read PDFs back, DejaVu fonts for
# Vietnamese in PDFs, LibreOffice Writer and the Liberation fonts (Times New Roman's metrics) to
# turn the year-end report's .docx into a PDF in the tests.
system-deps:
	@missing=""; \
	  [ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	  command -v npm >/dev/null || missing="$$missing npm"; \
	  command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	  office=""; \
	  command -v soffice >/dev/null || office="$$office libreoffice-writer-nogui"; \
	  [ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || office="$$office fonts-liberation2"; \
	  if [ -n "$$missing$$office" ]; then apt-get update -qq; fi; \
	  if [ -n "$$missing" ]; then apt-get install -y -qq $$missing >/dev/null; fi; \
	  if [ -n "$$office" ]; then apt-get install -y -qq --no-install-recommends $$office >/dev/null; fi

# The local PostgreSQL, started again when it has stopped.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: install
	$(BIN)/ruff check buudien bench
	$(BIN)/ruff format --check buudien bench
	$(BIN)/mypy buudien
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: install system-deps
	$(PYTEST) --cov --cov-report=term:skip-covered

test-postgres: install system-deps postgres
	DATABASE_URL=$(PG_URL) $(PYTEST)

# Every check, one after the other; the time each took is printed at the end.
test:
	@rc=0; times=""; \
	  for step in "install system-deps postgres" lint test-sqlite test-postgres; do \
	    start=$$(date +%s); \
	    $(MAKE) --no-print-directory $$step || rc=$$?; \
	    times="$$times$$(printf '\n  %-28s %4d s' "$$step" $$(( $$(date +%s) - start )))"; \
	    [ $$rc -eq 0 ] || break; \
	  done; \
	  printf '\nTime per suite:%s\n' "$$times"; exit $$rc

bench: install postgres
	$(PY) -m bench

# The project's catalogue first, then each app's own (its locations relative to the app).
messages:
	cd buudien && ../$(BIN)/django-admin makemessages -l vi --no-obsolete --ignore='*/tests/*' -v 0
	for app in $$(cd buudien && ls -d */locale | cut -d/ -f1); do \
	  (cd buudien/$$app && ../../$(BIN)/django-admin makemessages -l vi --no-obsolete \
	    --ignore='tests/*' -v 0); \
	done
	cd buudien && ../$(BIN)/django-admin compilemessages -v 0

clean:
	rm -rf $(VENV) var node_modules

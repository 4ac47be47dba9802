# Gerai: `make run` sets up and starts the app; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
GERAI  := $(VENV)/bin/gerai
APT_PACKAGES := $(shell grep -v '^\#' .ci/apt-packages)

.PHONY: run test bench bundle apt lint i18n clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Debian packages the app and the tests need; installed when missing (as root or via sudo).
apt:
	@command -v dpkg >/dev/null || { echo "not a Debian system: install the packages in .ci/apt-packages yourself"; exit 0; }; \
	missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: apt $(VENV)/.installed
	$(GERAI) demo --if-missing --days 30
	$(GERAI)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check app tests tools
	$(VENV)/bin/lint-imports

test: apt $(VENV)/.installed lint
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

bench: apt $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(GERAI) bench

# Refresh the English catalog from the sources and compile both catalogs.
i18n: $(VENV)/.installed
	$(PY) tools/i18n.py

bundle: $(VENV)/.installed
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec

clean:
	rm -rf build dist $(VENV) *.egg-info

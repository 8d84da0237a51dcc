# make run: set up everything and serve on http://127.0.0.1:8000 (embedded SQLite).
# make test: set up everything and run lint and the whole suite, browser tests included.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
TLS ?=
CHROMIUM := /usr/bin/chromium
CATALOG := translations/fr/LC_MESSAGES/messages.po
COMPILED := translations/fr/LC_MESSAGES/messages.mo

.PHONY: run run-lan test lint jstest pytest e2e bench bench-tools emulator load translations compile-translations migrate chromium nodejs netfilter clean

run: $(VENV)/.runtime $(COMPILED) migrate
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)."
	@echo "Create a first staff account in another terminal:"
	@echo "  $(FLASK) staff create --email you@example.org --role admin"
	@echo
	$(BIN)/gunicorn --worker-class gthread --workers 2 --threads 64 \
		--bind $(HOST):$(PORT) $(TLS) wsgi:app

# make run-lan: the same over HTTPS on every address of this machine, so a phone on the same
# network can try the check (browsers give the camera only to HTTPS pages or localhost).
LAN_CERT := instance/lan-cert.pem
LAN_KEY := instance/lan-key.pem

run-lan: $(LAN_CERT)
	$(MAKE) run HOST=0.0.0.0 PORT=$(if $(filter 8000,$(PORT)),8443,$(PORT)) \
		TLS="--certfile $(LAN_CERT) --keyfile $(LAN_KEY)"

$(LAN_CERT):
	@command -v openssl >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl; } || \
		{ echo "make run-lan needs openssl: sudo apt-get install openssl"; exit 1; }
	mkdir -p instance
	umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=readiness-lan" \
		-keyout $(LAN_KEY) -out $(LAN_CERT) 2>/dev/null

test: $(VENV)/.dev $(COMPILED) chromium nodejs netfilter emulator lint jstest pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The browser code's arithmetic (median, jitter, steady rate), with Node's own test runner.
jstest: nodejs
	node --test tests/js/*.test.mjs

pytest: $(VENV)/.dev $(COMPILED)
	$(BIN)/pytest

# The deployment of deploy/ end to end (tests/e2e): nginx over HTTPS in front of two app
# servers, PostgreSQL, Redis, the deliverer, coturn, in Chromium. It needs a PostgreSQL
# database and a Redis: READINESS_TEST_DATABASE_URL and READINESS_TEST_REDIS_URL (.ci/run).
e2e: $(VENV)/.dev $(COMPILED) chromium
	@$(MAKE) --no-print-directory bench-tools BENCH_TOOLS="nginx:nginx-light turnserver:coturn"
	READINESS_E2E=1 $(BIN)/pytest tests/e2e

bench: $(VENV)/.dev $(COMPILED) chromium bench-tools
	$(BIN)/python -m bench $(if $(ROWS),--rows $(ROWS)) $(BENCH_ARGS)

# Patients at once through the whole check (Locust, headless, loopback only); USERS=50 by default.
# SERVERS=2: that many app servers behind nginx from deploy/ (HTTPS), as deployed.
USERS ?= 50
load: $(VENV)/.dev $(COMPILED)
	$(BIN)/python -m load --users $(USERS) $(if $(SERVERS),--servers $(SERVERS))

migrate: $(VENV)/.runtime
	$(FLASK) db upgrade

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(COMPILED): $(CATALOG) $(VENV)/.runtime
	$(BIN)/pybabel compile -d translations

compile-translations: $(COMPILED)

# Re-extract every string from the code and templates and merge it into the French catalog.
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _p:1c,2 -o translations/messages.pot --no-location --sort-output --width 100 readiness templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete --no-fuzzy-matching --width 100
	@echo "Now translate the new entries in $(CATALOG)."

# Debian's Chromium drives the browser tests; install it when we can, or say what is missing.
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	else \
		echo "The browser tests need Debian's chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; \
	fi

# The bench builds its delay line with gcc and checks it with ping, and compares the probe with
# nginx (nginx-light brings the echo module, which reads an upload's body); Debian's packages.
# Each pair is a command or a file, then the package that provides it. The bench starts nginx
# itself: the service Debian's package starts on port 80 is stopped and disabled at once.
BENCH_TOOLS := gcc:gcc ping:iputils-ping nginx:nginx-light \
	/usr/lib/nginx/modules/ngx_http_echo_module.so:nginx-light npm:npm
# Cloudflare's engine, beside ours in table 1: the npm package pinned in bench/cloudflare/.
CLOUDFLARE_ENGINE := bench/cloudflare/node_modules/@cloudflare/speedtest/dist/speedtest.js
bench: $(CLOUDFLARE_ENGINE)
$(CLOUDFLARE_ENGINE): bench/cloudflare/package-lock.json | bench-tools
	cd bench/cloudflare && npm ci --no-audit --no-fund
	touch $@
bench-tools:
	@missing=""; for pair in $(BENCH_TOOLS); do \
		command -v $${pair%%:*} >/dev/null || [ -e $${pair%%:*} ] || \
		case "$$missing " in *" $${pair#*:} "*) ;; *) missing="$$missing $${pair#*:}";; esac; \
		done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		case "$$missing " in *" nginx-light "*) \
			if command -v systemctl >/dev/null; then systemctl disable --now nginx || true; fi;; \
		esac; \
	else \
		echo "make bench needs:$$missing (sudo apt-get install$$missing)"; exit 1; \
	fi

# One browser test runs the check across the bench's emulated link (a 600 ms round trip): as
# root, install what the delay line needs (not nginx: only the bench compares with it);
# elsewhere that test skips.
EMULATOR_TOOLS := gcc:gcc ping:iputils-ping
emulator:
	@if [ "$$(id -u)" = 0 ]; then \
		$(MAKE) --no-print-directory bench-tools BENCH_TOOLS="$(EMULATOR_TOOLS)"; \
	else echo "The long round-trip test will skip: it needs root (namespaces, tc) and gcc"; fi

# The media path's tests put Chromium on a network that drops UDP (iptables in a network
# namespace) and relay it through a real coturn. Root only: elsewhere those tests skip.
netfilter:
	@if command -v iptables >/dev/null && command -v turnserver >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables coturn; \
	else \
		echo "The media path's network tests will skip: they need root, iptables and coturn"; \
	fi

# Node runs the browser code's unit tests; Debian's package is enough (node --test).
nodejs:
	@if command -v node >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs; \
	else \
		echo "The JavaScript tests need Node.js: sudo apt-get install nodejs"; exit 1; \
	fi

clean:
	rm -rf $(VENV) $(COMPILED) .pytest_cache

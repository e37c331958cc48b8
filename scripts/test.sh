#!/usr/bin/env bash
# The test command (`npm test`): installs what the tests need when it is missing (npm packages,
# a real Trino and its clients from Maven Central, the Python client from PyPI, Debian's chromium
# for the browser tests, nginx and wrk for the benchmarks' smoke runs, helm and the Kubernetes
# schemas for the deployment artifacts), starts Trino (and the
# access-control oracle Trino of the decision differential) unless already running, and runs unit,
# engine, integration and browser (UI) tests and the benchmarks' smoke runs.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules/@duckdb/node-api ] && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund
npm run build

bash scripts/trino/install.sh
bash scripts/clients/install.sh
bash scripts/chromium/install.sh
bash scripts/bench-tools/install.sh
bash scripts/deploy-tools/install.sh

# Trinos this run started, stopped again at exit (ones already running are left alone).
started=()
stop_started() { local n; for n in ${started[@]+"${started[@]}"}; do bash scripts/trino/stop.sh --name "$n" || true; done; }
trap stop_started EXIT

trino_port="${QUERYGATE_TRINO_PORT:-18080}"
if ! curl -fsS -m 2 "http://127.0.0.1:${trino_port}/v1/info" >/dev/null 2>&1; then
  started+=(trino1)
  bash scripts/trino/start.sh --name trino1 --port "$trino_port"
fi

# The access-control oracle for the decision differential: a second Trino with Trino's own
# file-based access control (scripts/trino/start-oracle.sh); both Trinos fit in 2-3 GB.
oracle_port="${QUERYGATE_ORACLE_PORT:-18186}"
if ! curl -fsS -m 2 "http://127.0.0.1:${oracle_port}/v1/info" >/dev/null 2>&1; then
  started+=(trino-acl)
  QUERYGATE_ORACLE_PORT="$oracle_port" bash scripts/trino/start-oracle.sh
fi

# The row filter and column mask oracle: a third Trino enforcing test/governance/filter-mask-rules.json.
filter_mask_port="${QUERYGATE_FILTER_MASK_ORACLE_PORT:-18190}"
if ! curl -fsS -m 2 "http://127.0.0.1:${filter_mask_port}/v1/info" >/dev/null 2>&1; then
  started+=(trino-fm)
  QUERYGATE_ORACLE_PORT="$filter_mask_port" QUERYGATE_ORACLE_NAME=trino-fm QUERYGATE_ORACLE_RULES="$PWD/test/governance/filter-mask-rules.json" bash scripts/trino/start-oracle.sh
fi

# Sized like the CLI does (see src/cli.ts): tests run gateways in-process.
export UV_THREADPOOL_SIZE="${UV_THREADPOOL_SIZE:-64}"
node --test --test-concurrency=1 dist/test/unit/ dist/test/engines/ dist/test/sql/ dist/test/policy/ dist/test/auth/ dist/test/tracking/ dist/test/integration/ dist/test/e2e/ dist/test/bench/

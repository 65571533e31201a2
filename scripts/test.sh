#!/usr/bin/env bash
# The whole test suite (`make test`): static checks, then pytest on SQLite, then on PostgreSQL when a
# server answers on 127.0.0.1:5432. Browser tests need Debian's chromium; it is installed if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PATH="$PWD/$BIN:$PATH"
step() { printf '\n== %s\n' "$*"; }

step "ruff"
ruff check .
step "import-linter (jiandu.rules imports nothing from Django)"
lint-imports
step "mypy"
mypy jiandu
step "migrations are up to date"
DJANGO_SETTINGS_MODULE=jiandu.settings_test jiandu makemigrations --check --dry-run
step "check --deploy under production settings"
JIANDU_DATA_DIR="$(mktemp -d)" \
JIANDU_SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" \
JIANDU_ENCRYPTION_KEY="$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
JIANDU_LOOKUP_KEY="ci-lookup-key-$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')" \
JIANDU_AUDIT_KEY="ci-audit-key-$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')" \
JIANDU_CHECKPOINT_SIGNING_KEY="$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
JIANDU_ALLOWED_HOSTS=jiandu.example.gov.cn \
DJANGO_SETTINGS_MODULE=jiandu.settings_production jiandu check --deploy --fail-level WARNING

if ! command -v chromium >/dev/null 2>&1; then
  step "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
      || echo "chromium could not be installed; browser tests will fail"
  else
    sudo -n sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk' >/dev/null \
      || echo "chromium could not be installed (no root); browser tests will fail"
  fi
fi

step "pytest on SQLite"
pytest "$@"

if python3 - <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
then
  step "pytest on PostgreSQL (127.0.0.1:5432)"
  DATABASE_URL="${JIANDU_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/jiandu}" pytest -m "not browser" "$@"
else
  step "no PostgreSQL on 127.0.0.1:5432: skipped the PostgreSQL run"
fi

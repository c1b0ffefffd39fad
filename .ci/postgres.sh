#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster and make a test database; prints the URL the tests use.
# Used by .ci/run; a developer can run it too: TEST_POSTGRES_URL=$(bash .ci/postgres.sh)
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true  # already running is fine
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q && break
  sleep 1
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE adilet LOGIN PASSWORD ''adilet'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'adilet') \gexec
SELECT 'CREATE DATABASE adilet_test OWNER adilet'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'adilet_test') \gexec
SQL
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
echo "postgresql+asyncpg://adilet:adilet@127.0.0.1:${port}/adilet_test"

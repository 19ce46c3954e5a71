#!/usr/bin/env bash
# The load test of issue 7: gunicorn with 2 workers on 127.0.0.1 under the production settings, and wrk on
# loopback with 50 connections for 2 minutes, each request a signed-in user of one of the five personas opening
# one of the pages and endpoints the benchmark measures (bench/load.lua, plan from `manage.py bench_load_plan`).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_1 bench/load.sh
#
# Knobs (environment): DURATION (2m), CONNECTIONS (50), THREADS (2), WORKERS (2), PORT (8765),
# USERS_PER_PERSONA (10), WARMUP (15s), OUT (bench/load-<database>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/crm_bench_1}"
DURATION=${DURATION:-2m} CONNECTIONS=${CONNECTIONS:-50} THREADS=${THREADS:-2} WORKERS=${WORKERS:-2}
PORT=${PORT:-8765} USERS_PER_PERSONA=${USERS_PER_PERSONA:-10} WARMUP=${WARMUP:-15s}
OUT=${OUT:-bench/load-${DATABASE_URL##*/}.txt}
PY=.venv/bin/python

# Production settings, with what plain http on loopback needs set explicitly:
export DJANGO_SETTINGS_MODULE=crm.settings.production
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')}
export DJANGO_SECURE_SSL_REDIRECT=0       # no TLS proxy in front: do not redirect http to https
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export CACHE_URL=${CACHE_URL:-redis://127.0.0.1:6379/3}   # production needs a shared cache
export DJANGO_LOG_LEVEL=WARNING
# 50 connections share 50 users; the default 1200/min per user could answer 429 under a synthetic load.
export API_THROTTLE_USER=${API_THROTTLE_USER:-1000000/min}
# Secure cookies stay on (SESSION_COOKIE_SECURE): wrk sends the session cookie whatever its flags. Nobody logs
# in during the run (the plan's sessions are created beforehand), so axes' lockout cannot trigger.

plan=$(mktemp)
gunicorn_pid=""
cleanup() {
  [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null || true
  [ -s "$plan" ] && $PY manage.py bench_load_plan "$plan" --forget >/dev/null
  rm -f "$plan"
}
trap cleanup EXIT

$PY manage.py collectstatic --noinput -v0
$PY manage.py bench_load_plan "$plan" --users-per-persona "$USERS_PER_PERSONA"
.venv/bin/gunicorn crm.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --timeout 60 --log-level warning &
gunicorn_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/login/" && break; sleep 0.2; done

wrk_run() { LOAD_PLAN="$plan" wrk -t "$THREADS" -c "$CONNECTIONS" -d "$1" --timeout 30s -s bench/load.lua "http://127.0.0.1:$PORT"; }
echo "warm-up $WARMUP"
wrk_run "$WARMUP" >/dev/null
{
  echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) database ${DATABASE_URL##*/}"
  echo "# gunicorn --workers $WORKERS (sync), wrk -t $THREADS -c $CONNECTIONS -d $DURATION; $(wc -l <"$plan") requests in the plan"
  wrk_run "$DURATION"
} | tee "$OUT"

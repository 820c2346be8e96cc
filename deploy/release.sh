#!/usr/bin/env bash
# The release step of a deploy, run once before the workers are (re)started: apply the
# database migrations, collect the static files into STATIC_ROOT (where nginx serves
# them from), and load the deck unless it is there already (edits made in the admin are
# kept). Run it with the production environment, as deploy/systemd/kwartet-release.service
# does; deploy/stack.py runs it for the loopback stack.
#
#   PYTHON        the project's Python (default: .venv/bin/python)
#   IMPORT_DECK   false to leave the deck alone (default: true)
#
# collectstatic keeps the files of the previous release (no --clear), so pages the
# running workers served a moment ago still find their hashed static files.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"

"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py collectstatic --noinput
if [ "${IMPORT_DECK:-true}" = "true" ]; then
  "$PYTHON" manage.py import_deck fixtures/innovation-on-track.json --skip-existing
fi

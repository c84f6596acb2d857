#!/usr/bin/env bash
# The whole job on the embedded server: start it, create an account, log in, upload a folder of
# sample FITS files, and list what landed as JSON. Needs `arcsecond` (with the server extra) on PATH.
set -euo pipefail

work=$(mktemp -d)
export ARCSECOND_CONFIG_DIR="$work/config"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

arcsecond server start --port "$port" --data-dir "$work/server" > "$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/', timeout=1)" 2>/dev/null && break
    sleep 0.2
done
echo "== embedded server on http://127.0.0.1:$port (data in $work/server)"

echo "== create an account, a site and a telescope"
demo=$(arcsecond server demo --data-dir "$work/server" -f json)
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])" <<< "$demo"; }

echo "== log in"
arcsecond api add sandbox "http://127.0.0.1:$port" --use -f value > /dev/null
arcsecond login --username "$(field username)" --key "$(field access_key)"
arcsecond whoami

echo "== upload a night of sample FITS files"
python3 "$(dirname "$0")/make_sample_night.py" "$work/night-2026-11-21"
arcsecond upload "$work/night-2026-11-21" --dataset "Sample night" --telescope "$(field telescope)" --yes

echo "== what landed, as JSON"
arcsecond datafile list --dataset "Sample night" -f json
arcsecond nightlog list -f json

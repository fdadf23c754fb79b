#!/usr/bin/env bash
# One VS Code session with no network, for the platform-extension test: run it as
#   unshare -n bash netns-session.sh
# Inside that empty network namespace (loopback only) it brings `lo` up, prints the
# interfaces it sees, starts code-server on 127.0.0.1 (so the language server that the
# extension starts has no network either), drives it with drive.mjs (whose JSON is this
# script's stdout) and stops code-server.
#
# Env: CS_BIN, CS_PORT, CS_USER_DATA, CS_EXT_DIR, CS_WORKSPACE, CS_LOG, and drive.mjs' own.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ip link set lo up
echo "netns-interfaces: $(ip -o link show | awk -F': ' '{print $2}' | paste -sd, -)" >&2

setsid "$CS_BIN" --bind-addr "127.0.0.1:$CS_PORT" --auth none --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$CS_USER_DATA" --extensions-dir "$CS_EXT_DIR" "$CS_WORKSPACE" \
  >"$CS_LOG" 2>&1 </dev/null &
cs=$!
stop() {
  kill -TERM -- "-$cs" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 -- "-$cs" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$cs" 2>/dev/null || true
}
trap stop EXIT

for _ in $(seq 1 150); do
  if node -e "fetch('http://127.0.0.1:$CS_PORT/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    break
  fi
  kill -0 "$cs" 2>/dev/null || { echo "code-server exited:" >&2; tail -20 "$CS_LOG" >&2; exit 1; }
  sleep 0.2
done
node "$HERE/drive.mjs"

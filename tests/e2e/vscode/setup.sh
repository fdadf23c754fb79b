#!/usr/bin/env bash
# Idempotent setup for the VS Code end-to-end test (tests/e2e/vscode/).
#
# Installs, only when missing:
#   1. Debian packages: chromium (driven headless by playwright-core), fonts, ripgrep
#      (stands in for @vscode/ripgrep's GitHub download), libkrb5-dev (kerberos module) and
#      iproute2 (`ip`, for the offline test's network namespace);
#   2. code-server 4.100.3 (VS Code 1.100.3, the last release on Node 20) into a cache dir,
#      with the offline recipe: npm --ignore-scripts, then code-server's postinstall by hand;
#   3. playwright-core from tests/e2e/vscode/package-lock.json (no browser download).
#
# Needs only the npm registry, PyPI and Debian's archive. Run as root on Debian 12.
#   bash tests/e2e/vscode/setup.sh
# Env: EKSA_E2E_CODE_SERVER_DIR  install prefix (default $HOME/.cache/eksa-mirror-e2e/code-server-4.100.3)
set -euo pipefail

CS_VERSION=4.100.3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX=${EKSA_E2E_CODE_SERVER_DIR:-$HOME/.cache/eksa-mirror-e2e/code-server-$CS_VERSION}
CS_BIN=$PREFIX/node_modules/.bin/code-server
log() { printf '[setup] %s\n' "$*" >&2; }

# --- 1. Debian packages ---------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)   # loopback in the offline test's namespace
dpkg -s fonts-liberation >/dev/null 2>&1 || need_apt+=(fonts-liberation)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need_apt+=(fonts-dejavu-core)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
[ -f /usr/include/node/node_api.h ] || need_apt+=(libnode-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_apt[@]}"
fi
command -v node >/dev/null || { log "node is required (Node 20)"; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || log "warning: code-server $CS_VERSION is made for Node 20, found $(node --version)"

# --- 2. code-server ----------------------------------------------------------------
cs_works() {
  [ -x "$CS_BIN" ] || return 1
  local tmp; tmp=$(mktemp -d)
  # code-server writes config even for --version: keep it out of ~/.config
  XDG_CONFIG_HOME=$tmp/c XDG_DATA_HOME=$tmp/d "$CS_BIN" --version 2>/dev/null | grep -q "^$CS_VERSION "
  local rc=$?; rm -rf "$tmp"; return $rc
}
if cs_works; then
  log "code-server $CS_VERSION already installed in $PREFIX"
else
  log "installing code-server $CS_VERSION into $PREFIX (about 1-2 min)"
  rm -rf "$PREFIX"; mkdir -p "$PREFIX"
  export npm_config_nodedir=/usr   # Debian's Node headers: node-gyp downloads nothing
  export npm_config_yes=true       # node-pty's postinstall runs `npx node-gyp` without a TTY
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  # Top level with scripts off: code-server's postinstall would fetch ripgrep from GitHub.
  npm install --prefix "$PREFIX" --ignore-scripts --no-save "code-server@$CS_VERSION" >&2
  npm rebuild --prefix "$PREFIX" argon2 >&2
  # What code-server's postinstall.sh does, by hand.
  (
    cd "$PREFIX/node_modules/code-server/lib/vscode"
    npm install --omit=dev --ignore-scripts >&2
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    npm rebuild >&2                 # node-pty, spdlog, kerberos, native-watchdog, ...
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    cd extensions && npm install --omit=dev >&2
  )
  cs_works || { log "code-server install in $PREFIX does not run"; exit 1; }
  log "code-server $CS_VERSION installed"
fi

# --- 3. playwright-core (no browser download: Debian's /usr/bin/chromium is used) ---------
if [ -f "$HERE/node_modules/playwright-core/package.json" ] && \
   [ "$HERE/node_modules/.package-lock.json" -nt "$HERE/package-lock.json" ]; then
  log "playwright-core already installed"
else
  log "installing playwright-core"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
fi

log "done: code-server=$CS_BIN chromium=$(command -v chromium)"

#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last release that runs on Node 20)
# under .vscode-test/, the real VS Code our integration and UI tests run in on machines
# where @vscode/test-electron cannot download VS Code. See README "Tests".
# Idempotent: a finished install is marked and skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.vscode-test/code-server"
marker="$dir/.installed-4.100.3"
[ -f "$marker" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  for pkg in libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  fi
fi

rm -rf "$dir" && mkdir -p "$dir"
cd "$dir"
echo '{"name":"code-server-host","private":true}' > package.json
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
npm install --no-audit --no-fund --ignore-scripts code-server@4.100.3
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin && cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts)
cd "$dir" && npm rebuild argon2
touch "$marker"

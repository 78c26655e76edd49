#!/usr/bin/env bash
# Installs the third-party contract artifacts the front-end tests lift (tests/tests/thirdparty.rs):
# the npm packages pinned in package.json / package-lock.json, by `npm ci`, into
# tests/thirdparty/node_modules (git-ignored). Does nothing when that install is current.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.evmove-lock-sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
    echo "third-party artifacts: up to date (tests/thirdparty/node_modules)"
    exit 0
fi
echo "third-party artifacts: npm ci in tests/thirdparty"
# The packages ship compiled artifacts only: no install scripts are needed, none are run.
npm ci --ignore-scripts --no-audit --no-fund
echo "$wanted" > "$stamp"

#!/usr/bin/env bash
# Installs every Debian package that building, testing and running refpoint need, then the
# browser test's npm packages (web/package-lock.json) into web/node_modules.
# Idempotent: packages already installed are skipped; nothing is downloaded at build time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  clang-14 libclang-rt-14-dev
  libcaf-dev libssl-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsqlitecpp-dev
  libgtest-dev
  libtomlplusplus-dev libpugixml-dev libxxhash-dev
  curl python3 wrk xxhash openssl
  chromium fonts-dejavu-core
)
# The dashboard's browser test runs on node; any node 18 or newer will do (Debian 12's
# nodejs and npm packages provide them where neither command exists yet).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# playwright-core, exactly as locked, for tests/browser (never a browser download: the test
# drives Debian's chromium). Reinstalled only when missing or older than the lock file.
web="$root/web"
installed="$web/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$web/package-lock.json" -nt "$installed" ]; then
  echo "setup: npm ci in web/"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
else
  echo "setup: web/node_modules up to date"
fi

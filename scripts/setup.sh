#!/usr/bin/env bash
# Installs every Debian package that building, testing and running refpoint need.
# Idempotent: packages already installed are skipped; nothing is downloaded at build time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libcaf-dev libssl-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsqlitecpp-dev
  libgtest-dev
  libtomlplusplus-dev libpugixml-dev libxxhash-dev
  curl python3 wrk xxhash
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

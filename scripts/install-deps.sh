#!/usr/bin/env bash
# Installs trainsim's build and test dependencies from Debian 12 packages. Idempotent:
# packages already present are skipped, so a second run costs only the dpkg query.
set -euo pipefail
pkgs=(g++ cmake make pkg-config git
      libsimgrid-dev libyaml-cpp-dev libspdlog-dev libgtest-dev libcli11-dev nlohmann-json3-dev
      python3 python3-matplotlib libsqlite3-dev sqlite3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#pkgs[@]} packages present"

#!/usr/bin/env bash
# Installs the Debian packages mart builds and tests with, when any is missing.
# Run as root on Debian 12. Safe to run again: it does nothing when all are there.
set -euo pipefail

packages=(
  g++ cmake make pkg-config ccache lld
  libcli11-dev libzmq3-dev cppzmq-dev libsqlite3-dev nlohmann-json3-dev libsodium-dev
  libcurl4-openssl-dev
  libgtest-dev libgmock-dev
  jq curl groff-base procps python3 python3-aiosmtpd wrk
  dpkg-dev file
  zsh fish
  libedit-dev tmux
  clang libclang-rt-14-dev
  libpq-dev postgresql
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

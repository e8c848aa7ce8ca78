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
  librabbitmq-dev rabbitmq-server amqp-tools librdkafka-dev kcat
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
# The postinst scripts of rabbitmq-server and postgresql start a system server
# (invoke-rc.d), which the tests never use (they start private ones,
# tests/brokers/ and tests/pg/) and which, in a container without systemd, fails
# the install or stays behind. A policy-rc.d that exits 101 tells invoke-rc.d not
# to start anything; one already there (Docker's images have one) is left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# scripts/deps.sh: no service starts now.\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# CI: the dashboard tests drive Debian's Chromium through playwright-core; install it when missing.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
$sudo_cmd apt-get update
$sudo_cmd apt-get install -y chromium
/usr/bin/chromium --version

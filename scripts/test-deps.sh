#!/usr/bin/env bash
# System packages the test suite starts itself: a PostgreSQL server (for the server tests on
# PostgreSQL), Chromium (for the page test) and bubblewrap (the sandbox model-written code
# runs in). Debian/Ubuntu packages, installed only if
# missing; without root it says what to install (or set SHOAL_SKIP_POSTGRES=1 /
# SHOAL_SKIP_BROWSER=1 to skip those tests deliberately).
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "shoal: installing ${missing[*]} for the tests (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
else
  echo "shoal: the tests need: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
fi

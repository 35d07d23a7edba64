#!/usr/bin/env bash
# Set up .venv in the checkout: idempotent, and fast the second time.
# llama-cpp-python has no CPU wheel on PyPI, so it is compiled once per machine and the
# wheel kept in $SHOAL_WHEELS (default ~/.cache/shoal/wheels) for every later checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

LLAMA_VERSION=0.3.36
WHEELS="${SHOAL_WHEELS:-${XDG_CACHE_HOME:-$HOME/.cache}/shoal/wheels}"
PYTHON="${PYTHON:-python3}"
EXTRAS="${SHOAL_EXTRAS:-local,server,postgres,ray,plot,dev}"

if [ ! -x .venv/bin/python ]; then
  echo "shoal: creating .venv"
  "$PYTHON" -m venv .venv
fi

mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
  echo "shoal: building llama-cpp-python $LLAMA_VERSION once for this machine (~5-7 min on 2 cores)"
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=ON -DGGML_BLAS=OFF -DLLAMA_CURL=OFF}" \
    .venv/bin/python -m pip wheel --no-deps -q -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
fi

echo "shoal: installing shoal[$EXTRAS] into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check --find-links "$WHEELS" -e ".[$EXTRAS]"

#!/usr/bin/env bash
# Set up .venv in the checkout: idempotent, and fast the second time.
# llama-cpp-python has no CPU wheel on PyPI, so it is compiled once per machine and the
# wheel kept in $SHOAL_WHEELS (default ~/.cache/shoal/wheels/FLAGS) for every later checkout;
# pip's own cache is bypassed, since it keys a built wheel by version, not by build flags.
set -euo pipefail
cd "$(dirname "$0")/.."

LLAMA_VERSION=0.3.36
# The CPU's own SIMD features, read from /proc/cpuinfo, never AMX: some VMs report AMX in
# cpuid but fault on its first instruction (ldtilecfg in ggml's AMX matmul, a segfault on the
# first prompt), and -march=native (GGML_NATIVE) turns it on with no way to opt out.
cpu_flags() {
  local flags args="" f opt
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for f in sse4_2:SSE42 avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx_vnni:AVX_VNNI \
           avx512f:AVX512 avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    opt=OFF
    case "$flags" in *" ${f%%:*} "*) opt=ON ;; esac
    args="$args -DGGML_${f##*:}=$opt"
  done
  echo "$args -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
}
DEFAULT_CMAKE_ARGS="-DGGML_NATIVE=OFF$(cpu_flags) -DGGML_BLAS=OFF -DLLAMA_CURL=OFF"
CMAKE_ARGS="${CMAKE_ARGS:-$DEFAULT_CMAKE_ARGS}"
# the cache is keyed by the build flags, so a wheel built with other flags is never reused
FLAGS_KEY=$(printf '%s' "$CMAKE_ARGS" | sha256sum | cut -c1-12)
WHEELS="${SHOAL_WHEELS:-${XDG_CACHE_HOME:-$HOME/.cache}/shoal/wheels/$FLAGS_KEY}"
PYTHON="${PYTHON:-python3}"
EXTRAS="${SHOAL_EXTRAS:-local,server,postgres,ray,plot,dev}"

if [ ! -x .venv/bin/python ]; then
  echo "shoal: creating .venv"
  "$PYTHON" -m venv .venv
fi

mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
  echo "shoal: building llama-cpp-python $LLAMA_VERSION once for this machine (~5-7 min on 2 cores)"
  CMAKE_ARGS="$CMAKE_ARGS" .venv/bin/python -m pip wheel --no-deps --no-cache-dir -q -w "$WHEELS" \
    "llama-cpp-python==$LLAMA_VERSION"
fi

echo "shoal: installing shoal[$EXTRAS] into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check --find-links "$WHEELS" -e ".[$EXTRAS]"

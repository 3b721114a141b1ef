#!/bin/sh
# Rebuilds the integer inference kernels (wasm/intkernels.c) into the committed binary that the
# compute worker loads. Needs Debian's clang and lld (apt-get install clang lld): clang's wasm32
# target, <wasm_simd128.h> and wasm-ld. No libc, no emscripten. The build is deterministic
# (--strip-all drops the name and producers sections), so scripts/check-wasm.mjs can compare the
# committed bytes with a fresh build.
#
#   scripts/build-wasm.sh            writes src/features/infer/worker/intkernels.wasm
#   scripts/build-wasm.sh OUT.wasm   writes OUT.wasm instead
set -eu
cd "$(dirname "$0")/.."
OUT="${1:-src/features/infer/worker/intkernels.wasm}"
CLANG="${CLANG:-clang}"
"$CLANG" --target=wasm32 -msimd128 -mbulk-memory -O3 -nostdlib -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all \
  -o "$OUT" wasm/intkernels.c
echo "wrote $OUT ($(wc -c < "$OUT") bytes) with $("$CLANG" --version | head -n 1)"

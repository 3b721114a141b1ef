#!/bin/sh
# Rebuilds the integer inference kernels (wasm/intkernels.c) into the two committed binaries that
# the compute worker loads: intkernels.wasm (SIMD128, the portable path) and intkernels-relaxed.wasm
# (relaxed SIMD, loaded where the runtime validates it). Needs Debian's clang and lld: clang 14
# (apt-get install clang lld) builds the SIMD128 binary, clang 19 (apt-get install clang-19
# lld-19; Debian 12 has it) the relaxed one, since clang 14 has no relaxed-SIMD dot-product
# builtin. clang's wasm32 target, <wasm_simd128.h> and wasm-ld; no libc, no emscripten. The build
# is deterministic (--strip-all drops the name and producers sections), so scripts/check-wasm.mjs
# can compare the committed bytes with a fresh build.
#
#   scripts/build-wasm.sh                  writes both into src/features/infer/worker/
#   scripts/build-wasm.sh simd128 OUT      writes only the SIMD128 binary, to OUT
#   scripts/build-wasm.sh relaxed OUT      writes only the relaxed-SIMD binary, to OUT
set -eu
cd "$(dirname "$0")/.."
DIR=src/features/infer/worker
CLANG="${CLANG:-clang}"
CLANG_RELAXED="${CLANG_RELAXED:-clang-19}"
FLAGS="--target=wasm32 -msimd128 -mbulk-memory -O3 -nostdlib -Wall -Wextra -Werror -Wl,--no-entry -Wl,--strip-all"

build() { # compiler, extra flags, output
  # shellcheck disable=SC2086
  "$1" $FLAGS $2 -o "$3" wasm/intkernels.c
  echo "wrote $3 ($(wc -c < "$3") bytes) with $("$1" --version | head -n 1)"
}

case "${1:-all}" in
  simd128) build "$CLANG" "" "${2:?output}" ;;
  relaxed) build "$CLANG_RELAXED" "-mrelaxed-simd" "${2:?output}" ;;
  all)
    build "$CLANG" "" "$DIR/intkernels.wasm"
    build "$CLANG_RELAXED" "-mrelaxed-simd" "$DIR/intkernels-relaxed.wasm"
    ;;
  *) echo "usage: $0 [simd128 OUT | relaxed OUT]" >&2; exit 2 ;;
esac

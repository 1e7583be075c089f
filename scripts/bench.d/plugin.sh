#!/usr/bin/env bash
# Benchmark of the native plugin (not a test): validations per second on one core through the C
# ABI, next to the raw primitive each is built on (libsecp256k1 recovery, libsodium Ed25519
# verify) from the same archives linked into the plugin. Prints a Markdown section.
#
#   scripts/bench.d/plugin.sh            about 12 s of measurement
#   scripts/bench.d/plugin.sh --quick    about 3 s
# Builds the native preset's idos_plugin_bench if needed (scripts/setup must have run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
seconds=2
[ "${1:-}" = "--quick" ] && seconds=0.5
{ cmake --preset native && cmake --build --preset native --target idos_plugin_bench; } >/dev/null
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "## Native plugin (libidos_plugin.so) vs the raw primitives"
echo
echo "One thread, ${seconds} s per figure after a warm-up; $(nproc) cores, ${cpu:-unknown CPU}; $(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /'), RelWithDebInfo."
echo "\"raw faster by\" is the plugin's overhead over the primitive alone (JSON parsing, field and"
echo "identifier checks, message building, Keccak-256 for EVM)."
echo
build/native/plugin/idos_plugin_bench --seconds "$seconds"

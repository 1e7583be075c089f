# Sourced by scripts/test after the native and wasm builds: the native plugin (plugin/).
#   - exported symbols (only the C ABI + the SQLite entry point) and self-containment
#   - the C ABI test (dlopen, every vector file, misuse, threads) -> test-output/results-native.txt
#   - SQL tests through the stock sqlite3 shell
#   - native vs WASM: diff of results-native.txt and results-wasm.txt (written by the JS tests)
#   - install + pkg-config: a tiny C program built against an installed prefix
#   - unless --quick: libFuzzer targets (clang-14) for IDOS_FUZZ_SECONDS in all (default 150),
#     and the Catch2 suite + the C ABI test under the native-asan preset
# Uses scripts/test's `log`, `must`, `record`, `run_catch`, $ROOT, $OUT and $QUICK.

PLUGIN_SO="$ROOT/build/native/plugin/libidos_plugin.so"
PLUGIN_ABI_TEST="$ROOT/build/native/plugin/idos_plugin_abi_test"

# plugin_counts LOG RC: "PASSED FAILED" from the last "N passed, M failed" line of a log.
plugin_counts() {
  local line p f
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n1)
  p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
  f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')
  [ -n "$p" ] || p=0
  [ -n "$f" ] || f=1
  [ "$2" -eq 0 ] || [ "$f" -gt 0 ] || f=1
  echo "$p $f"
}

# plugin_suite NAME CMD...: runs a test program that ends with "N passed, M failed".
plugin_suite() {
  local name="$1"; shift
  "$@" >"$OUT/$name.log" 2>&1
  local rc=$? p f
  read -r p f < <(plugin_counts "$OUT/$name.log" "$rc")
  [ "$f" -eq 0 ] || grep -E -A3 '^FAILED|ERROR|Sanitizer|runtime error' "$OUT/$name.log" | head -n 40
  record "$name" "$p" "$f"
}

# The exported dynamic symbols must be the C ABI and the SQLite entry point, nothing else, and
# libsodium / libsecp256k1 must be linked in (no DT_NEEDED on them).
plugin_symbol_check() {
  local so="$1" syms bad needed missing=0 f
  syms=$(nm -D --defined-only "$so" | awk '{print $NF}' | sort)
  bad=$(echo "$syms" | grep -vE '^(idos_[a-z0-9_]+|sqlite3_[a-z]+_init)$' || true)
  if [ -n "$bad" ]; then
    echo "   unexpected exports:"; echo "$bad" | head -n 20 | sed 's/^/     /'
    return 1
  fi
  for f in $(grep -oE '^IDOS_PLUGIN_API [^(]+\(' "$ROOT/plugin/include/idos_plugin.h" | grep -oE 'idos_[a-z0-9_]+'); do
    echo "$syms" | grep -qx "$f" || { echo "   $f is declared but not exported"; missing=1; }
  done
  echo "$syms" | grep -qx sqlite3_idosplugin_init || { echo "   sqlite3_idosplugin_init missing"; missing=1; }
  needed=$(readelf -d "$so" | grep NEEDED | grep -E 'sodium|secp256k1|sqlite' || true)
  if [ -n "$needed" ]; then echo "   not self-contained: $needed"; return 1; fi
  echo "   exports: $(echo "$syms" | wc -l) symbols, all idos_* / sqlite3_*_init; NEEDED: $(readelf -d "$so" | grep NEEDED | grep -oE '\[[^]]+\]' | tr -d '[]' | tr '\n' ' ')"
  return "$missing"
}

# Native (this run) against WASM (the JS package's tests): same outcome for every case both ran,
# and the WASM side must have run every grants.json, protocol.json, wallet_signatures.json and
# idos_wire.json case the native side ran.
plugin_compare_results() {
  local native="$OUT/results-native.txt" wasm="$OUT/results-wasm.txt"
  awk -F'\t' '
    NR == FNR { n[$1 FS $2] = $3; next }
    { w[$1 FS $2] = $3 }
    END {
      for (k in n) {
        if (k in w) { common++; if (n[k] != w[k]) { diff++; split(k, p, FS); printf "   differs: %s %s native=%s wasm=%s\n", p[1], p[2], n[k], w[k] } }
        else { only_native++; if (k ~ /^(grants|protocol|wallet_signatures|idos_wire)\.json\t/) { missing++; if (missing <= 10) { split(k, p, FS); printf "   not run by WASM: %s %s\n", p[1], p[2] } } }
      }
      for (k in w) if (!(k in n)) only_wasm++
      printf "   compared %d cases: %d differ; only native %d, only wasm %d\n", common, diff, only_native, only_wasm
      exit (diff > 0 || missing > 0 || common == 0) ? 1 : 0
    }' "$native" "$wasm"
}

# Installs into a fresh prefix and builds a C program with pkg-config against it.
plugin_install_check() {
  local prefix="$1"
  rm -rf "$prefix" && mkdir -p "$prefix"
  cmake --install "$ROOT/build/native" --prefix "$prefix" --component plugin || return 1
  for f in include/idos_plugin.h lib/libidos_plugin.so lib/pkgconfig/idos_plugin.pc; do
    [ -e "$prefix/$f" ] || { echo "missing $prefix/$f"; return 1; }
  done
  cat >"$prefix/consumer.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <idos_plugin.h>
int main(void) {
  char *out = NULL, *msg = NULL;
  size_t len = 0;
  if (idos_plugin_init() != IDOS_OK || idos_plugin_abi_version() != IDOS_PLUGIN_ABI_VERSION) return 1;
  if (idos_content_hash((const uint8_t*)"abc", 3, &out, &len, NULL) != IDOS_OK) return 2;
  if (strcmp(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") != 0) return 3;
  idos_free(out);
  if (idos_validate("access_grant", 12, "{}", 2, 0, 0, &msg) != IDOS_INVALID_INPUT || !msg) return 4;
  printf("idos_plugin %s: %s\n", idos_plugin_version(), msg);
  idos_free(msg);
  return 0;
}
C
  # shellcheck disable=SC2046
  cc -std=c99 -Wall -Werror -o "$prefix/consumer" "$prefix/consumer.c" \
    $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs idos_plugin) || return 1
  LD_LIBRARY_PATH="$prefix/lib" "$prefix/consumer"
}

# Seed corpora from the vector files, written by the sqlite3 shell (its JSON functions and
# writefile()), in the layouts of fuzz/fuzz_plugin.cpp.
plugin_fuzz_seeds() {
  local corpus="$1" vec="$ROOT/tests/vectors" t
  # Seeds are (re)written on top of what earlier runs found.
  mkdir -p "$corpus"
  for t in validate verify_credential verify_credential_proof check_access_grant verify_delegated_access_grant \
           verify_delegated_write_grant check_revoke_allowed verify_read_request verify_signed_request \
           verify_wallet_signature canonical_wallet_identifier access_grant_id content_hash canonical_json \
           ed25519_verify signed_message replay_key derive_access_grant verify_wallet_signature_with \
           access_grant_id_as_supplied; do
    mkdir -p "$corpus/$t"
  done
  # The node's snapshot parser: the example snapshots (docs/cluster.md "Snapshot format").
  mkdir -p "$corpus/snapshot"
  cp "$vec"/snapshots/*.snap "$corpus/snapshot/"
  sqlite3 -batch :memory: "
    create temp view g as
      select key, json_extract(value, '\$.kind') kind,
             coalesce(json_extract(value, '\$.input_text'), json_extract(value, '\$.input')) doc
      from json_each(readfile('$vec/grants.json'), '\$.cases');
    create temp view w as select key, value from json_each(readfile('$vec/wallet_signatures.json'), '\$.cases');
    select sum(writefile('$corpus/validate/' || key, kind || char(31) || doc)) from g;
    select sum(writefile('$corpus/' || case kind
        when 'credential' then 'verify_credential' when 'verifiable_credential' then 'verify_credential_proof'
        when 'access_grant' then 'check_access_grant' when 'delegated_access_grant' then 'verify_delegated_access_grant'
        when 'delegated_write_grant' then 'verify_delegated_write_grant' when 'revoke' then 'check_revoke_allowed'
        when 'read_request' then 'verify_read_request' when 'signed_request' then 'verify_signed_request'
        end || '/' || key, doc)) from g
      where kind in ('credential', 'verifiable_credential', 'access_grant', 'delegated_access_grant',
                     'delegated_write_grant', 'revoke', 'read_request', 'signed_request');
    select sum(writefile('$corpus/verify_wallet_signature/' || key,
        json_extract(value, '\$.type') || char(31) || json_extract(value, '\$.identifier') || char(31) ||
        coalesce(json_extract(value, '\$.public_key'), '') || char(31) || json_extract(value, '\$.message') || char(31) ||
        json_extract(value, '\$.signature') || char(31) || coalesce(json_extract(value, '\$.nonce'), '') || char(31) ||
        coalesce(json_extract(value, '\$.recipient'), '') || char(31) || coalesce(json_extract(value, '\$.callback_url'), ''))) from w;
    select sum(writefile('$corpus/verify_wallet_signature_with/' || key,
        json_extract(value, '\$.type') || char(31) || json_extract(value, '\$.identifier') || char(31) ||
        coalesce(json_extract(value, '\$.public_key'), '') || char(31) || json_extract(value, '\$.message') || char(31) ||
        json_extract(value, '\$.signature') || char(31) || coalesce(json_extract(value, '\$.nonce'), '') || char(31) ||
        coalesce(json_extract(value, '\$.recipient'), '') || char(31) || coalesce(json_extract(value, '\$.callback_url'), '') ||
        char(31) || coalesce(json_extract(value, '\$.scheme'), '') || char(31) ||
        coalesce(json_extract(value, '\$.expected_recipient'), ''))) from w;
    select sum(writefile('$corpus/access_grant_id_as_supplied/' || key, json_extract(doc, '\$.grantee') || char(31) ||
        json_extract(doc, '\$.data_id') || char(31) || json_extract(doc, '\$.locked_until')))
      from g where kind = 'access_grant' and json_valid(doc) and json_extract(doc, '\$.grantee') is not null;
    select sum(writefile('$corpus/canonical_wallet_identifier/' || key,
        json_extract(value, '\$.type') || char(31) || json_extract(value, '\$.identifier'))) from w;
    select sum(writefile('$corpus/access_grant_id/' || key, json_extract(doc, '\$.grantee') || char(31) ||
        json_extract(doc, '\$.data_id') || char(31) || json_extract(doc, '\$.locked_until')))
      from g where kind = 'access_grant' and json_valid(doc) and json_extract(doc, '\$.grantee') is not null;
    select sum(writefile('$corpus/content_hash/' || key, json_extract(value, '\$.message')))
      from w where length(json_extract(value, '\$.message')) > 0;
    select sum(writefile('$corpus/canonical_json/' || key, json_extract(value, '\$.input')))
      from json_each(readfile('$vec/jcs.json'), '\$.cases');
    select writefile('$corpus/ed25519_verify/zero', zeroblob(96));
    select sum(writefile('$corpus/signed_message/' || key, kind || char(31) || doc)) from g
      where kind in ('delegated_access_grant', 'delegated_write_grant', 'read_request', 'signed_request',
                     'add_wallet', 'node_receipt', 'node_log_entry');
    select sum(writefile('$corpus/replay_key/' || key, kind || char(31) || doc)) from g
      where kind in ('delegated_access_grant', 'delegated_write_grant', 'read_request', 'signed_request');
    select sum(writefile('$corpus/derive_access_grant/' || key,
        case kind when 'access_grant' then 'share' else kind end || char(31) || doc)) from g
      where kind in ('access_grant', 'delegated_write_grant', 'delegated_access_grant');
  " >/dev/null
}

# Runs every fuzz target for its share of IDOS_FUZZ_SECONDS; prints one line per target.
plugin_fuzz_run() {
  local dir="$1" corpus="$2" total="${IDOS_FUZZ_SECONDS:-150}" targets t per ok=0 bad=0 line execs cov
  targets=$(cd "$dir" && ls fuzz_* | sed 's/^fuzz_//')
  per=$(( total / $(echo "$targets" | wc -l) ))
  [ "$per" -ge 1 ] || per=1
  mkdir -p "$OUT/fuzz"
  for t in $targets; do
    (cd "$OUT/fuzz" && "$dir/fuzz_$t" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 "$corpus/$t") >"$OUT/fuzz/$t.log" 2>&1
    if [ $? -eq 0 ]; then
      ok=$((ok + 1))
      execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$OUT/fuzz/$t.log" | grep -oE '[0-9]+$')
      cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$OUT/fuzz/$t.log" | tail -n1)
      printf '   fuzz %-30s %ss %9s runs  %s\n' "$t" "$per" "${execs:-?}" "$cov"
    else
      bad=$((bad + 1))
      echo "   fuzz $t FAILED (test-output/fuzz/$t.log, crash input in test-output/fuzz/):"
      grep -E 'ERROR|SUMMARY|runtime error|deadly' "$OUT/fuzz/$t.log" | head -n 5 | sed 's/^/     /'
    fi
  done
  record plugin-fuzz "$ok" "$bad"
}

log "plugin"
if [ ! -f "$PLUGIN_SO" ] || [ ! -x "$PLUGIN_ABI_TEST" ]; then
  echo "   build/native/plugin/libidos_plugin.so or its test missing: the native build did not produce them"
  record plugin-build 0 1
else
  if plugin_symbol_check "$PLUGIN_SO" >"$OUT/plugin-symbols.log" 2>&1; then
    cat "$OUT/plugin-symbols.log"; record plugin-symbols 1 0
  else
    cat "$OUT/plugin-symbols.log"; record plugin-symbols 0 1
  fi
  rm -f "$OUT/results-native.txt"
  plugin_suite plugin-abi "$PLUGIN_ABI_TEST" --results "$OUT/results-native.txt"
  plugin_suite plugin-sql bash "$ROOT/tests/plugin/sql_test.sh" "$PLUGIN_SO" "$ROOT/tests/vectors"

  if [ -f "$OUT/results-wasm.txt" ] && [ -f "$OUT/results-native.txt" ]; then
    if plugin_compare_results >"$OUT/plugin-native-vs-wasm.log" 2>&1; then
      cat "$OUT/plugin-native-vs-wasm.log"; record plugin-native-vs-wasm 1 0
    else
      head -n 30 "$OUT/plugin-native-vs-wasm.log"; record plugin-native-vs-wasm 0 1
    fi
  else
    echo "   native vs wasm: results-native.txt or results-wasm.txt missing (the plugin or JS vector test did not run)"
    record plugin-native-vs-wasm 0 1
  fi

  if plugin_install_check "$ROOT/build/plugin-install" >"$OUT/plugin-install.log" 2>&1; then
    echo "   install: $(tail -n1 "$OUT/plugin-install.log")"; record plugin-install 1 0
  else
    tail -n 20 "$OUT/plugin-install.log"; record plugin-install 0 1
  fi
fi

if [ "$QUICK" -eq 1 ]; then
  echo "   fuzzing and native-asan skipped (--quick)"
else
  log "plugin fuzzing (libFuzzer, clang-14, ASan + UBSan)"
  if must configure-fuzz cmake -S "$ROOT/fuzz" -B "$ROOT/build/fuzz" -DCMAKE_CXX_COMPILER=clang++-14 \
       && must build-fuzz cmake --build "$ROOT/build/fuzz" -j2 \
       && must fuzz-seeds plugin_fuzz_seeds "$ROOT/build/fuzz/corpus"; then
    plugin_fuzz_run "$ROOT/build/fuzz" "$ROOT/build/fuzz/corpus"
  fi

  log "native-asan (ASan + UBSan): Catch2 suite and the plugin's C test"
  if must configure-native-asan cmake --preset native-asan \
       && must build-native-asan cmake --build --preset native-asan --target idos_core_tests idos_plugin idos_plugin_abi_test; then
    asan_env=(ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
              UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}")
    run_catch core-native-asan env "${asan_env[@]}" ./build/native-asan/tests/idos_core_tests
    plugin_suite plugin-abi-asan env "${asan_env[@]}" ./build/native-asan/plugin/idos_plugin_abi_test
    # The stock sqlite3 shell is not instrumented: preload the sanitizer runtimes for the SQL test.
    asan_preload="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
    plugin_suite plugin-sql-asan env ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" LD_PRELOAD="$asan_preload" \
      bash "$ROOT/tests/plugin/sql_test.sh" "$ROOT/build/native-asan/plugin/libidos_plugin.so" "$ROOT/tests/vectors"
  fi
fi

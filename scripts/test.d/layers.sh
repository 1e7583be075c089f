# Sourced by scripts/test after the builds: the layering rules of README.md ("Layout"), checked on
# the tree and on the built binaries, so a shortcut through a layer fails the suite.
#   1. core/primitives includes nothing of core/protocol (protocol -> primitives, never back).
#   2. idos-node includes no protocol header and holds no symbol defined by idos_protocol: every
#      verdict reaches it through the plugin it loads.
#   3. Every protocol message template is written in exactly one product file (core/protocol).
# Uses scripts/test's `log`, `record`, $ROOT and $OUT.

log "layers"
layers_pass=0
layers_fail=0
layer_check() {  # layer_check NAME OK(0/1) DETAIL
  if [ "$2" -eq 0 ]; then
    layers_pass=$((layers_pass + 1))
  else
    layers_fail=$((layers_fail + 1))
    echo "   layer rule broken: $1${3:+: $3}"
  fi
}

bad=$(grep -rln '"idos/protocol/' "$ROOT/core/primitives" || true)
layer_check "core/primitives includes core/protocol" "$([ -z "$bad" ] && echo 0 || echo 1)" "$bad"

bad=$(grep -rln '"idos/protocol/' "$ROOT/storage-node" || true)
layer_check "storage-node includes a protocol header" "$([ -z "$bad" ] && echo 0 || echo 1)" "$bad"

protocol_lib="$ROOT/build/native/core/libidos_protocol.a"
node_bin="$ROOT/build/native/storage-node/idos-node"
if [ -f "$protocol_lib" ] && [ -x "$node_bin" ]; then
  # Defined, external symbols of the protocol archive vs. those defined in the node binary.
  nm --defined-only --extern-only "$protocol_lib" 2>/dev/null | awk 'NF==3 && $2 ~ /^[TDRB]$/ {print $3}' | sort -u \
    >"$OUT/layers-protocol-symbols.txt"
  nm --defined-only "$node_bin" | awk 'NF==3 {print $3}' | sort -u >"$OUT/layers-node-symbols.txt"
  # Template instantiations and inline functions the layers may share legitimately are weak (W/V)
  # and were left out above; what remains must not appear in the node.
  shared=$(comm -12 "$OUT/layers-protocol-symbols.txt" "$OUT/layers-node-symbols.txt")
  count=$(wc -l <"$OUT/layers-protocol-symbols.txt")
  if [ "$count" -lt 20 ]; then
    layer_check "protocol symbol list" 1 "only $count symbols read from $protocol_lib"
  else
    layer_check "idos-node links protocol code" "$([ -z "$shared" ] && echo 0 || echo 1)" \
      "$(echo "$shared" | head -n 5 | c++filt | tr '\n' ' ')"
  fi
else
  layer_check "native build present" 1 "$protocol_lib or $node_bin missing"
fi

# Message templates: each operation name appears as a string literal in exactly one product file
# (comment lines stripped). Tests keep independent oracles on purpose and are not product files.
# grep reads all of sed's output (no -q): with scripts/test's pipefail, grep -q quitting at the
# first match could leave sed writing into a closed pipe (SIGPIPE), and a file that holds the
# template would count as not holding it (seen under load).
product_files=$(cd "$ROOT" && git ls-files core plugin wasm storage-node js/src web-demo/site \
  | grep -E '\.(cpp|hpp|h|c|js|mjs)$')
for op in addWallet nodeReceipt delegatedAccessGrant delegatedWriteGrant readRequest signedRequest; do
  files=""
  for f in $product_files; do
    if sed -E '/^[[:space:]]*(\/\/|\*|\/\*)/d' "$ROOT/$f" | grep -E "[\"'\`]${op}[\"'\`]|[\"'\`]operation: ${op}" >/dev/null; then
      files="$files $f"
    fi
  done
  n=$(echo "$files" | wc -w)
  layer_check "message template '$op' in $n product files (want 1)" "$([ "$n" -eq 1 ] && echo 0 || echo 1)" "$files"
done
# The signed log entry's template starts with its version line instead of an operation.
files=""
for f in $product_files; do
  if sed -E '/^[[:space:]]*(\/\/|\*|\/\*)/d' "$ROOT/$f" | grep -E "[\"'\`]idos-log-entry/v1" >/dev/null; then
    files="$files $f"
  fi
done
n=$(echo "$files" | wc -w)
layer_check "message template 'idos-log-entry/v1' in $n product files (want 1)" "$([ "$n" -eq 1 ] && echo 0 || echo 1)" "$files"

record layers "$layers_pass" "$layers_fail"

#!/usr/bin/env bash
# SQL tests of libidos_plugin.so as a SQLite extension, through the stock sqlite3 shell:
# `.load` without an entry point, every SQL function, the shared vector files read with SQLite's
# own JSON functions, use in CHECK constraints, triggers and indexes, and misuse (NULL, wrong
# types, invalid UTF-8, deep nesting).
#
#   tests/plugin/sql_test.sh PATH/TO/libidos_plugin.so VECTORS_DIR
# Ends with "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail
LIB="${1:?path to libidos_plugin.so}"
VEC="${2:?path to tests/vectors}"
# Load by the name without its suffix, as a node operator would type it: SQLite adds ".so" and
# derives the entry point (sqlite3_idosplugin_init) from the file name.
LOAD="${LIB%.so*}"
PASSED=0
FAILED=0

run_sql() { sqlite3 -batch -bail :memory: -cmd ".load $LOAD" "$@"; }

# eq NAME SQL EXPECTED: the query's output equals EXPECTED.
eq() {
  local got
  got="$(run_sql "$2" 2>&1)"
  if [ "$got" = "$3" ]; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    printf 'FAILED: %s\n  sql:      %s\n  expected: %s\n  got:      %s\n' "$1" "$2" "$3" "$got"
  fi
}
# err NAME SQL PATTERN: the query fails and its error text contains PATTERN.
err() {
  local got rc
  got="$(run_sql "$2" 2>&1)"
  rc=$?
  if [ "$rc" -ne 0 ] && [[ "$got" == *"$3"* ]]; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    printf 'FAILED: %s\n  sql: %s\n  expected an error with: %s\n  got (rc %d): %s\n' "$1" "$2" "$3" "$rc" "$got"
  fi
}

eq "load + version" "select idos_plugin_version() <> '';" "1"
eq "error names" "select idos_error_name(0) || ',' || idos_error_name(16) || ',' || idos_error_name(99);" \
  "OK,REPLAYED,UNKNOWN"

# --- the vector files, through SQL ---------------------------------------------------------------
eq "wallet_signatures.json via SQL (1 = valid, 0 = anything else)" "
  with c as (select json_extract(value, '\$.id') id, json_extract(value, '\$.expected') expected,
                    idos_verify_wallet_signature(json_extract(value, '\$.type'), json_extract(value, '\$.identifier'),
                      json_extract(value, '\$.public_key'), json_extract(value, '\$.message'),
                      json_extract(value, '\$.signature'), json_extract(value, '\$.nonce'),
                      json_extract(value, '\$.recipient'), json_extract(value, '\$.callback_url')) got
             from json_each(readfile('$VEC/wallet_signatures.json'), '\$.cases'))
  select count(*) > 25, coalesce(group_concat(case when got <> (expected = 'valid') then id end), 'all match') from c;" \
  "1|all match"

eq "grants.json via idos_validate" "
  with c as (select json_extract(value, '\$.id') id, json_extract(value, '\$.expected') expected,
                    idos_validate(json_extract(value, '\$.kind'),
                      coalesce(json_extract(value, '\$.input_text'), json_extract(value, '\$.input')),
                      json_extract(value, '\$.now'), json_extract(value, '\$.seen_before')) v
             from json_each(readfile('$VEC/grants.json'), '\$.cases'))
  select count(*) > 100,
         coalesce(group_concat(case when replace(json_extract(v, '\$.code'), 'OK', 'valid') <> expected
                                    then id || '=' || json_extract(v, '\$.code') end), 'all match')
  from c;" \
  "1|all match"

eq "grants.json via idos_validate_code" "
  with c as (select json_extract(value, '\$.expected') expected,
                    idos_error_name(idos_validate_code(json_extract(value, '\$.kind'),
                      coalesce(json_extract(value, '\$.input_text'), json_extract(value, '\$.input')),
                      json_extract(value, '\$.now'), json_extract(value, '\$.seen_before'))) code
             from json_each(readfile('$VEC/grants.json'), '\$.cases'))
  select sum(replace(code, 'OK', 'valid') = expected) = count(*) from c;" "1"

eq "access grant ids of the valid access grants" "
  with c as (select json_extract(value, '\$.input') g from json_each(readfile('$VEC/grants.json'), '\$.cases')
             where json_extract(value, '\$.kind') = 'access_grant' and json_extract(value, '\$.expected') = 'valid')
  select count(*) >= 2, sum(idos_access_grant_id(json_extract(g, '\$.grantee'), json_extract(g, '\$.data_id'),
                                                 json_extract(g, '\$.locked_until')) = json_extract(g, '\$.id')) = count(*)
  from c;" "1|1"

eq "jcs.json via idos_canonical_json" "
  select sum(idos_canonical_json(json_extract(value, '\$.input')) = json_extract(value, '\$.canonical')), count(*)
  from json_each(readfile('$VEC/jcs.json'), '\$.cases');" \
  "$(sqlite3 :memory: "select count(*) || '|' || count(*) from json_each(readfile('$VEC/jcs.json'), '\$.cases');")"

# --- the functions one by one ----------------------------------------------------------------------
eq "canonical identifier: EIP-55 to lowercase" \
  "select idos_canonical_wallet_identifier('EVM', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');" \
  "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
err "canonical identifier: wrong EIP-55 checksum" \
  "select idos_canonical_wallet_identifier('EVM', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD');" "CHECKSUM_MISMATCH"
err "canonical identifier: unknown type" "select idos_canonical_wallet_identifier('Solana', 'x');" "UNSUPPORTED"
err "canonical identifier: NULL is an error, never NULL" "select idos_canonical_wallet_identifier('EVM', NULL);" \
  "INVALID_INPUT"
eq "content hash of text, blob and empty" \
  "select idos_content_hash('abc') || ',' || idos_content_hash(x'616263') || ',' || idos_content_hash('');" \
  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
err "content hash of NULL" "select idos_content_hash(NULL);" "INVALID_INPUT"
err "access grant id: locked_until must be an integer" \
  "select idos_access_grant_id('0x0000000000000000000000000000000000000000', 'x', '0');" "INVALID_INPUT"
eq "validate: JSON verdict" "select idos_validate('nope', '{}', 0);" \
  '{"ok":false,"code":"UNSUPPORTED","message":"unknown document kind"}'
eq "validate: verdict members" \
  "select json_extract(v, '\$.ok'), json_extract(v, '\$.code') from (select idos_validate('access_grant', '{}', 0) v);" \
  "0|INVALID_INPUT"
eq "validate: NULL json" "select json_extract(idos_validate('access_grant', NULL, 0), '\$.code');" "INVALID_INPUT"
eq "validate: now must be an integer" "select json_extract(idos_validate('access_grant', '{}', '0'), '\$.code');" \
  "INVALID_INPUT"
eq "validate: invalid UTF-8" "select idos_validate_code('access_grant', cast(x'7bff7d' as text), 0);" "4"
eq "validate: 30000-deep nesting" \
  "select idos_error_name(idos_validate_code('access_grant', replace(hex(zeroblob(30000)), '00', '['), 0));" \
  "INVALID_JSON"
eq "canonical json" "select idos_canonical_json('{\"b\":1,\"a\":[1.0,\"\\u00e9\"]}');" '{"a":[1,"é"],"b":1}'
err "canonical json: duplicate member" "select idos_canonical_json('{\"a\":1,\"a\":2}');" "INVALID_JSON"
eq "wallet signature: NULL arguments give 0, not NULL" \
  "select idos_verify_wallet_signature(NULL, NULL, NULL, NULL, NULL) || idos_verify_wallet_signature('EVM', '0x', NULL, 'm', 'zz');" \
  "00"

# --- in a schema: CHECK constraints, triggers, indexes (deterministic functions) --------------------
GRANT="$(sqlite3 :memory: "select json_extract(value, '\$.input') from json_each(readfile('$VEC/grants.json'), '\$.cases')
                           where json_extract(value, '\$.id') = 'access_grant/valid';")"
SCHEMA="create table grants(doc text not null check (idos_validate_code('access_grant', doc, 0) = 0),
                            id text generated always as (json_extract(doc, '\$.id')) stored
                              check (id = idos_access_grant_id(json_extract(doc, '\$.grantee'),
                                      json_extract(doc, '\$.data_id'), json_extract(doc, '\$.locked_until'))));
        create index grants_hash on grants(idos_content_hash(doc));"
eq "CHECK accepts a valid access grant" "$SCHEMA insert into grants(doc) values ('$GRANT'); select count(*) from grants;" "1"
err "CHECK refuses a tampered access grant" \
  "$SCHEMA insert into grants(doc) values (json_set('$GRANT', '\$.locked_until', 1));" "CHECK constraint failed"
err "a trigger raises the plugin's verdict" "
  create table dwg(doc text, now integer);
  create trigger dwg_check before insert on dwg
    when idos_validate_code('delegated_write_grant', new.doc, new.now) <> 0
    begin select raise(abort, 'rejected'); end;
  insert into dwg values ('{\"id\":1}', 0);" "rejected"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

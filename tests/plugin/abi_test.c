/*
 * The plugin's C test. Loads libidos_plugin.so with dlopen (no link-time dependency, as a node
 * would), runs the shared vector files of tests/vectors/ through the C ABI, checks the verdicts
 * they state, and throws misuse at every entry point (NULL, zero and huge lengths, invalid UTF-8,
 * deep nesting): a code, never a crash.
 *
 *   idos_plugin_abi_test [--plugin PATH] [--vectors DIR] [--results FILE]
 *
 * --results writes one line per vector case, "<file>\t<case id>\t<outcome>", sorted bytewise;
 * the JS package writes the same for the WASM module and scripts/test.d/plugin.sh diffs the two.
 * Ends with "N passed, M failed"; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idos_plugin.h"
#include "mini_json.h"

#ifndef IDOS_PLUGIN_PATH
#define IDOS_PLUGIN_PATH "libidos_plugin.so"
#endif
#ifndef IDOS_VECTORS_DIR
#define IDOS_VECTORS_DIR "tests/vectors"
#endif

/* --- the plugin, through dlsym only ---------------------------------------------------------- */
#define PLUGIN_FUNCTIONS(X)                                                                          \
  X(idos_plugin_abi_version) X(idos_plugin_version) X(idos_plugin_init) X(idos_error_name) X(idos_free) \
  X(idos_validate) X(idos_verify_credential) X(idos_verify_credential_proof) X(idos_check_access_grant) \
  X(idos_verify_delegated_access_grant) X(idos_verify_delegated_write_grant) X(idos_check_revoke_allowed) \
  X(idos_verify_read_request) X(idos_verify_signed_request) X(idos_verify_wallet_signature)          \
  X(idos_canonical_wallet_identifier) X(idos_access_grant_id) X(idos_content_hash) X(idos_canonical_json) \
  X(idos_ed25519_verify) X(idos_signed_message) X(idos_replay_key) X(idos_derive_access_grant) \
  X(idos_verify_wallet_signature_with) X(idos_access_grant_id_as_supplied)

static struct {
#define DECLARE(name) __typeof__(&name) name;
  PLUGIN_FUNCTIONS(DECLARE)
#undef DECLARE
} P;

static const char* g_vectors = IDOS_VECTORS_DIR;
static int g_passed, g_failed;

static void check(int ok, const char* fmt, ...) {
  if (ok) {
    g_passed++;
    return;
  }
  g_failed++;
  va_list ap;
  va_start(ap, fmt);
  fputs("FAILED: ", stdout);
  vprintf(fmt, ap);
  fputc('\n', stdout);
  va_end(ap);
}

/* --- results file ------------------------------------------------------------------------------ */
static char** g_results;
static size_t g_results_n, g_results_cap;

static void result_line(const char* file, const char* id, const char* outcome) {
  size_t n = strlen(file) + strlen(id) + strlen(outcome) + 3;
  char* line = malloc(n);
  if (!line) abort();
  snprintf(line, n, "%s\t%s\t%s", file, id, outcome);
  if (g_results_n == g_results_cap) {
    g_results_cap = g_results_cap ? 2 * g_results_cap : 256;
    g_results = realloc(g_results, g_results_cap * sizeof(char*));
    if (!g_results) abort();
  }
  g_results[g_results_n++] = line;
}

static int cmp_lines(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static int write_results(const char* path) {
  FILE* f = fopen(path, "w");
  size_t i;
  if (!f) return 0;
  qsort(g_results, g_results_n, sizeof(char*), cmp_lines);
  for (i = 0; i < g_results_n; i++) fprintf(f, "%s\n", g_results[i]);
  return fclose(f) == 0;
}

/* The vector files' outcome: "valid" for IDOS_OK, else the code's name (VERIFY_FAILED for a
 * signature that does not verify, the same rule as every verifier of the ABI). */
static const char* outcome(int32_t code) { return code == IDOS_OK ? "valid" : P.idos_error_name(code); }

/* A vector case the test cannot read (a member missing or of the wrong type, hex that does not
 * decode) is a failure, never a case silently left out: a broken file must not pass by shrinking. */
static void malformed_case(const char* file, size_t index, const char* why) {
  check(0, "%s: case #%zu is malformed: %s", file, index, why);
}

static mj_value* load_vectors(const char* name) {
  char path[4096];
  size_t len;
  char* text;
  mj_value* doc = calloc(1, sizeof *doc);
  snprintf(path, sizeof path, "%s/%s", g_vectors, name);
  text = mj_read_file(path, &len);
  check(text != NULL, "cannot read %s", path);
  if (!text) {
    free(doc);
    return NULL;
  }
  if (!mj_parse(text, len, doc)) {
    check(0, "%s does not parse", path);
    free(text);
    free(doc);
    return NULL;
  }
  /* Raw spans point into `text`: keep it alive with the tree (freed by free_vectors). */
  doc->str = text;
  return doc;
}

static void free_vectors(mj_value* doc) {
  if (!doc) return;
  mj_free(doc); /* frees doc->str, the source text, too */
  free(doc);
}

/* Lowercase or uppercase hex into `out`; (size_t)-1 for NULL, odd length, a non-hex digit or more
 * than `cap` bytes. */
static size_t unhex(const char* hex, uint8_t* out, size_t cap) {
  size_t n, i;
  if (!hex || strlen(hex) % 2 != 0) return (size_t)-1;
  n = strlen(hex) / 2;
  if (n > cap) return (size_t)-1;
  for (i = 0; i < n; i++) {
    unsigned v;
    if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
        sscanf(hex + 2 * i, "%2x", &v) != 1) {
      return (size_t)-1;
    }
    out[i] = (uint8_t)v;
  }
  return n;
}

/* --- grants.json: idos_validate and the per-kind calls ----------------------------------------- */
typedef struct {
  const char* kind;
  const char* text;
  size_t text_len;
  int64_t now;
  int seen_before;
  const char* id;
  const char* expected;
} grant_case;

/* The readable cases of grants.json; with `report`, every unreadable one is a failure. */
static size_t grant_cases(const mj_value* doc, grant_case** out, int report) {
  const mj_value* cases = mj_get(doc, "cases");
  size_t i, n = 0;
  if (!cases || cases->type != MJ_ARRAY) {
    if (report) check(0, "grants.json has no \"cases\" array");
    return 0;
  }
  *out = calloc(cases->count, sizeof(grant_case));
  for (i = 0; i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    const mj_value* input = mj_get(c, "input");
    const mj_value* now = mj_get(c, "now");
    const mj_value* seen = mj_get(c, "seen_before");
    grant_case* g = &(*out)[n];
    g->kind = mj_str(c, "kind", NULL);
    g->id = mj_str(c, "id", NULL);
    g->expected = mj_str(c, "expected", NULL);
    if (mj_str(c, "input_text", &g->text_len)) {
      g->text = mj_str(c, "input_text", &g->text_len);
    } else if (input) {
      g->text = input->raw; /* the document as the vector file writes it */
      g->text_len = input->raw_len;
    }
    g->now = now ? now->integer : 0;
    g->seen_before = seen && seen->boolean;
    if (g->kind && g->id && g->expected && g->text) {
      n++;
    } else {
      memset(g, 0, sizeof *g); /* the next readable case takes this slot */
      if (report) malformed_case("grants.json", i, "needs string kind, id, expected and input or input_text");
    }
  }
  return n;
}

/* The per-kind entry point for `kind` (same verdict as idos_validate), or -1 for no such kind. */
static int32_t per_kind(const grant_case* g) {
  const char* k = g->kind;
  if (!strcmp(k, "credential")) return P.idos_verify_credential(g->text, g->text_len, NULL);
  if (!strcmp(k, "verifiable_credential")) return P.idos_verify_credential_proof(g->text, g->text_len, g->now, NULL);
  if (!strcmp(k, "access_grant")) return P.idos_check_access_grant(g->text, g->text_len, NULL);
  if (!strcmp(k, "delegated_access_grant"))
    return P.idos_verify_delegated_access_grant(g->text, g->text_len, g->seen_before, NULL);
  if (!strcmp(k, "delegated_write_grant"))
    return P.idos_verify_delegated_write_grant(g->text, g->text_len, g->now, g->seen_before, NULL);
  if (!strcmp(k, "revoke")) return P.idos_check_revoke_allowed(g->text, g->text_len, g->now, NULL);
  if (!strcmp(k, "read_request")) return P.idos_verify_read_request(g->text, g->text_len, g->now, g->seen_before, NULL);
  if (!strcmp(k, "signed_request"))
    return P.idos_verify_signed_request(g->text, g->text_len, g->now, g->seen_before, NULL);
  return -1;
}

static void run_grants(void) {
  mj_value* doc = load_vectors("grants.json");
  grant_case* cases = NULL;
  size_t n, i;
  if (!doc) return;
  n = grant_cases(doc, &cases, 1);
  check(n > 100, "grants.json: expected over 100 cases, read %zu", n);
  for (i = 0; i < n; i++) {
    const grant_case* g = &cases[i];
    char* message = (char*)"unset";
    int32_t code = P.idos_validate(g->kind, strlen(g->kind), g->text, g->text_len, g->now, g->seen_before, &message);
    const char* got = outcome(code);
    result_line("grants.json", g->id, got);
    check(strcmp(got, g->expected) == 0, "grants.json %s: expected %s, got %s (%s)", g->id, g->expected, got,
          message ? message : "");
    check((code == IDOS_OK) == (message == NULL), "grants.json %s: error_message iff failure", g->id);
    P.idos_free(message);
    int32_t again = per_kind(g);
    if (again != -1) check(again == code, "grants.json %s: per-kind call gives %d, idos_validate %d", g->id, again, code);
  }
  free(cases);
  free_vectors(doc);
}

/* --- idos_wire.json: idOS clients' documents, schemes, recipient policy, idOS's grant id ---------- */

static void run_idos_wire(void) {
  mj_value* doc = load_vectors("idos_wire.json");
  const mj_value *docs, *wallet, *ids;
  size_t i, n_valid = 0;
  if (!doc) return;
  docs = mj_get(doc, "documents");
  wallet = mj_get(doc, "wallet");
  ids = mj_get(doc, "access_grant_ids");
  check(docs && docs->count >= 54 && wallet && wallet->count >= 20 && ids && ids->count >= 2,
        "idos_wire.json: documents, wallet cases and ids present");
  for (i = 0; docs && i < docs->count; i++) {
    const mj_value* c = &docs->items[i];
    const mj_value* input = mj_get(c, "input");
    const mj_value* now = mj_get(c, "now");
    const mj_value* seen = mj_get(c, "seen_before");
    const char* kind = mj_str(c, "kind", NULL);
    const char* id = mj_str(c, "id", NULL);
    const char* expected = mj_str(c, "expected", NULL);
    char* message = NULL;
    int32_t code;
    if (!kind || !id || !expected || !input) {
      check(0, "idos_wire.json document %zu is incomplete", i);
      continue;
    }
    code = P.idos_validate(kind, strlen(kind), input->raw, input->raw_len, now ? now->integer : 0,
                           seen && seen->boolean, &message);
    result_line("idos_wire.json", id, outcome(code));
    check(strcmp(outcome(code), expected) == 0, "idos_wire.json %s: expected %s, got %s (%s)", id, expected,
          outcome(code), message ? message : "");
    if (code == IDOS_OK) n_valid++;
    P.idos_free(message);
  }
  check(n_valid >= 18, "idos_wire.json: %zu valid documents", n_valid);
  for (i = 0; wallet && i < wallet->count; i++) {
    const mj_value* c = &wallet->items[i];
    size_t tl = 0, il = 0, pl = 0, ml = 0, sl = 0, scl = 0, erl = 0;
    const char* type = mj_str(c, "type", &tl);
    const char* identifier = mj_str(c, "identifier", &il);
    const char* msg = mj_str(c, "message", &ml);
    const char* sig = mj_str(c, "signature", &sl);
    const char* pk = mj_str(c, "public_key", &pl);
    const char* scheme = mj_str(c, "scheme", &scl);
    const char* er = mj_str(c, "expected_recipient", &erl);
    const char* id = mj_str(c, "id", NULL);
    const char* expected = mj_str(c, "expected", NULL);
    int32_t code = P.idos_verify_wallet_signature_with(type, tl, identifier, il, pk, pk ? pl : 0, msg, ml, sig, sl, NULL,
                                                       0, NULL, 0, NULL, 0, scheme, scheme ? scl : 0, er, er ? erl : 0,
                                                       NULL);
    result_line("idos_wire.json", id, outcome(code));
    check(expected && strcmp(outcome(code), expected) == 0, "idos_wire.json %s: expected %s, got %s", id,
          expected, outcome(code));
  }
  for (i = 0; ids && i < ids->count; i++) {
    const mj_value* c = &ids->items[i];
    size_t gl = 0, dl = 0, out_len = 0;
    const char* grantee = mj_str(c, "grantee", &gl);
    const char* data_id = mj_str(c, "data_id", &dl);
    const char* idos_id = mj_str(c, "idos_id", NULL);
    const mj_value* locked = mj_get(c, "locked_until");
    char* out = NULL;
    int32_t rc = P.idos_access_grant_id_as_supplied(grantee, gl, data_id, dl, locked ? locked->integer : -1, &out,
                                                    &out_len, NULL);
    const char* id = mj_str(c, "id", NULL);
    const int same = rc == IDOS_OK && out && idos_id && strcmp(out, idos_id) == 0;
    /* The JS side records the same line: "valid" when idOS's id comes out. */
    if (id) result_line("idos_wire.json", id, rc != IDOS_OK ? outcome(rc) : same ? "valid" : "returned false");
    check(same, "idos_wire.json %s: idOS's grant id", id ? id : "(no id)");
    P.idos_free(out);
  }
  free_vectors(doc);
}

/* --- wallet_signatures.json -------------------------------------------------------------------- */

static void run_wallet_signatures(void) {
  mj_value* doc = load_vectors("wallet_signatures.json");
  const mj_value* cases = doc ? mj_get(doc, "cases") : NULL;
  size_t i;
  if (!doc) return;
  if (!cases || cases->type != MJ_ARRAY) {
    check(0, "wallet_signatures.json has no \"cases\" array");
    free_vectors(doc);
    return;
  }
  check(cases->count >= 25, "wallet_signatures.json: %zu cases", cases->count);
  for (i = 0; i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    size_t tl = 0, il = 0, pl = 0, ml = 0, sl = 0, nl = 0, rl = 0, cl = 0;
    const char* type = mj_str(c, "type", &tl);
    const char* identifier = mj_str(c, "identifier", &il);
    const char* msg = mj_str(c, "message", &ml);
    const char* sig = mj_str(c, "signature", &sl);
    const char* pk = mj_str(c, "public_key", &pl);
    const char* nonce = mj_str(c, "nonce", &nl);
    const char* recipient = mj_str(c, "recipient", &rl);
    const char* callback = mj_str(c, "callback_url", &cl);
    const char* id = mj_str(c, "id", NULL);
    const char* expected = mj_str(c, "expected", NULL);
    if (!type || !identifier || !msg || !sig || !id || !expected) {
      malformed_case("wallet_signatures.json", i, "needs string type, identifier, message, signature, id and expected");
      continue;
    }
    int32_t code = P.idos_verify_wallet_signature(type, tl, identifier, il, pk, pk ? pl : 0, msg, ml, sig, sl, nonce,
                                                  nonce ? nl : 0, recipient, recipient ? rl : 0, callback,
                                                  callback ? cl : 0, NULL);
    const char* got = outcome(code);
    result_line("wallet_signatures.json", id, got);
    check(strcmp(got, expected) == 0, "wallet_signatures.json %s: expected %s, got %s", id, expected, got);

    /* A validly signed case names a well-formed identifier: its canonical form is stable. */
    if (!strcmp(expected, "valid")) {
      char* canon = NULL;
      size_t canon_len = 0;
      int32_t rc = P.idos_canonical_wallet_identifier(type, tl, identifier, il, &canon, &canon_len, NULL);
      check(rc == IDOS_OK && canon && strlen(canon) == canon_len, "canonical identifier of %s: %s", id,
            P.idos_error_name(rc));
      if (rc == IDOS_OK) {
        char* twice = NULL;
        size_t twice_len = 0;
        rc = P.idos_canonical_wallet_identifier(type, tl, canon, canon_len, &twice, &twice_len, NULL);
        check(rc == IDOS_OK && twice_len == canon_len && !memcmp(twice, canon, canon_len),
              "canonical identifier of %s is a fixed point", id);
        P.idos_free(twice);
        /* An empty type infers EVM from the identifier's shape (how a node reads a grantee): the same form. */
        if (tl == 3 && !memcmp(type, "EVM", 3)) {
          char* inferred = NULL;
          size_t inferred_len = 0;
          rc = P.idos_canonical_wallet_identifier("", 0, identifier, il, &inferred, &inferred_len, NULL);
          check(rc == IDOS_OK && inferred_len == canon_len && !memcmp(inferred, canon, canon_len),
                "canonical identifier of %s with the type inferred: %s", id, P.idos_error_name(rc));
          P.idos_free(inferred);
        }
      }
      P.idos_free(canon);
    }
  }
  free_vectors(doc);
}

/* --- crypto_interop.json (the Ed25519 cases: the only ones a node runs), Wycheproof Ed25519 --- */
static void run_ed25519(void) {
  mj_value* doc = load_vectors("crypto_interop.json");
  const mj_value* cases = doc ? mj_get(mj_get(doc, "ed25519"), "cases") : NULL;
  uint8_t msg[4096], sig[128], pk[64];
  size_t i, j;
  if (doc && (!cases || cases->type != MJ_ARRAY || cases->count == 0)) check(0, "crypto_interop.json has no ed25519.cases");
  for (i = 0; cases && i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    size_t ml = unhex(mj_str(c, "message_hex", NULL), msg, sizeof msg);
    size_t sl = unhex(mj_str(c, "signature_hex", NULL), sig, sizeof sig);
    size_t kl = unhex(mj_str(c, "public_hex", NULL), pk, sizeof pk);
    const char* id = mj_str(c, "id", NULL);
    int32_t code;
    if (!id || ml == (size_t)-1 || sl == (size_t)-1 || kl == (size_t)-1) {
      malformed_case("crypto_interop.json ed25519", i, "needs string id and hex message_hex, signature_hex, public_hex");
      continue;
    }
    code = P.idos_ed25519_verify(msg, ml, sig, sl, pk, kl, NULL);
    result_line("crypto_interop.json", id, outcome(code));
    check(code == IDOS_OK, "crypto_interop.json %s: %s", id, P.idos_error_name(code));
  }
  free_vectors(doc);

  doc = load_vectors("wycheproof/ed25519_test.json");
  const mj_value* groups = doc ? mj_get(doc, "testGroups") : NULL;
  size_t valid = 0, invalid = 0;
  if (doc && (!groups || groups->type != MJ_ARRAY)) check(0, "wycheproof/ed25519_test.json has no testGroups array");
  for (i = 0; groups && i < groups->count; i++) {
    const mj_value* g = &groups->items[i];
    size_t kl = unhex(mj_str(mj_get(g, "publicKey"), "pk", NULL), pk, sizeof pk);
    const mj_value* tests = mj_get(g, "tests");
    if (!tests || tests->type != MJ_ARRAY) malformed_case("wycheproof/ed25519_test.json testGroups", i, "no tests array");
    for (j = 0; tests && j < tests->count; j++) {
      const mj_value* t = &tests->items[j];
      const mj_value* tc_id = mj_get(t, "tcId");
      const char* result = mj_str(t, "result", NULL);
      char id[32];
      size_t ml = unhex(mj_str(t, "msg", NULL), msg, sizeof msg);
      size_t sl = unhex(mj_str(t, "sig", NULL), sig, sizeof sig);
      int want_valid;
      int32_t code;
      /* A hex field that does not decode (or overflows the buffers) is an unreadable case, not
       * an invalid signature: it fails the test whatever the case expects. */
      if (!tc_id || tc_id->type != MJ_NUMBER || !result || ml == (size_t)-1 || sl == (size_t)-1 || kl == (size_t)-1) {
        malformed_case("wycheproof/ed25519_test.json", j, "needs tcId, result and hex msg, sig, publicKey.pk");
        continue;
      }
      want_valid = !strcmp(result, "valid");
      snprintf(id, sizeof id, "tcId-%lld", (long long)tc_id->integer);
      code = P.idos_ed25519_verify(msg, ml, sig, sl, pk, kl, NULL);
      result_line("wycheproof/ed25519_test.json", id, outcome(code));
      check(want_valid ? code == IDOS_OK : code != IDOS_OK, "wycheproof ed25519 %s: %s", id, P.idos_error_name(code));
      if (want_valid) valid++;
      else invalid++;
    }
  }
  check(valid > 0 && invalid > 0, "wycheproof ed25519: %zu valid, %zu invalid cases", valid, invalid);
  free_vectors(doc);
}

/* --- jcs.json and the W3C eddsa-jcs-2022 known answer: idos_canonical_json ---------------------- */
static const char* canonical_outcome(const char* text, size_t len, const char* expected) {
  char* out = NULL;
  size_t out_len = 0;
  int32_t code = P.idos_canonical_json(text, len, &out, &out_len, NULL);
  const char* verdict;
  if (code != IDOS_OK) verdict = P.idos_error_name(code);
  else verdict = (expected && strlen(expected) == out_len && !memcmp(out, expected, out_len)) ? "valid" : "different";
  P.idos_free(out);
  return verdict;
}

/* An object's raw text without member `drop` (keys in the vector files need no escaping). */
static char* object_without(const mj_value* obj, const char* drop, size_t* len) {
  size_t cap = obj->raw_len + 16, n = 0, i;
  char* out = malloc(cap);
  out[n++] = '{';
  for (i = 0; i < obj->count; i++) {
    if (!strcmp(obj->keys[i], drop)) continue;
    n += (size_t)snprintf(out + n, cap - n, "%s\"%s\":", n > 1 ? "," : "", obj->keys[i]);
    memcpy(out + n, obj->items[i].raw, obj->items[i].raw_len);
    n += obj->items[i].raw_len;
  }
  out[n++] = '}';
  *len = n;
  return out;
}

static void run_jcs(void) {
  mj_value* doc = load_vectors("jcs.json");
  const mj_value* cases = doc ? mj_get(doc, "cases") : NULL;
  size_t i, len;
  if (doc && (!cases || cases->type != MJ_ARRAY || cases->count == 0)) check(0, "jcs.json has no cases");
  for (i = 0; cases && i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    size_t in_len = 0;
    const char* input = mj_str(c, "input", &in_len);
    const char* canonical = mj_str(c, "canonical", NULL);
    char id[32];
    if (!input || !canonical) {
      malformed_case("jcs.json", i, "needs string input and canonical");
      continue;
    }
    const char* got = canonical_outcome(input, in_len, canonical);
    snprintf(id, sizeof id, "#%zu", i);
    result_line("jcs.json", id, got);
    check(!strcmp(got, "valid"), "jcs.json %s: %s", id, got);
  }
  free_vectors(doc);

  doc = load_vectors("vc_eddsa_jcs.json");
  const mj_value* signed_doc = doc ? mj_get(doc, "signed") : NULL;
  if (doc && (!signed_doc || !mj_get(signed_doc, "proof") || !mj_str(doc, "canonical_document", NULL) ||
              !mj_str(doc, "canonical_proof_config", NULL))) {
    check(0, "vc_eddsa_jcs.json needs signed (with proof), canonical_document and canonical_proof_config");
    signed_doc = NULL;
  }
  if (signed_doc) {
    char* unsecured = object_without(signed_doc, "proof", &len);
    const char* got = canonical_outcome(unsecured, len, mj_str(doc, "canonical_document", NULL));
    result_line("vc_eddsa_jcs.json", "canonical_document", got);
    check(!strcmp(got, "valid"), "vc_eddsa_jcs.json canonical_document: %s", got);
    free(unsecured);
    /* The proof configuration: the proof without proofValue (it carries its own @context). */
    char* config = object_without(mj_get(signed_doc, "proof"), "proofValue", &len);
    got = canonical_outcome(config, len, mj_str(doc, "canonical_proof_config", NULL));
    result_line("vc_eddsa_jcs.json", "canonical_proof_config", got);
    check(!strcmp(got, "valid"), "vc_eddsa_jcs.json canonical_proof_config: %s", got);
    free(config);
  }
  free_vectors(doc);
}

/* --- protocol.json: idos_signed_message, idos_replay_key, idos_derive_access_grant -------------- */

/* An error code name (what a refused case expects) is all capitals and '_'; an expected output
 * (a message, canonical JSON) never is. */
static int is_code_name(const char* s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
  return 1;
}

static void run_protocol(void) {
  static const char* const ops[3] = {"signed_message", "replay_key", "derive_access_grant"};
  mj_value* doc = load_vectors("protocol.json");
  const mj_value* cases = doc ? mj_get(doc, "cases") : NULL;
  size_t ran[3] = {0, 0, 0}, i;
  int k;
  if (!doc) return;
  check(cases && cases->type == MJ_ARRAY && cases->count > 100, "protocol.json: expected over 100 cases");
  for (i = 0; cases && i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    const char* id = mj_str(c, "id", NULL);
    const char* op = mj_str(c, "op", NULL);
    size_t kind_len = 0, text_len = 0, out_len = 77;
    const char* kind = mj_str(c, "kind", &kind_len);
    const char* text = mj_str(c, "input_text", &text_len);
    const mj_value* input = mj_get(c, "input");
    const mj_value* expected = mj_get(c, "expected");
    const mj_value *key = NULL, *keep = NULL;
    char *out = (char*)"unset", *message = (char*)"unset";
    int64_t keep_until = -1;
    int32_t code;
    int which = -1;
    const char *got, *want;
    if (!text && input) {
      text = input->raw; /* the document as the vector file writes it */
      text_len = input->raw_len;
    }
    for (k = 0; op && k < 3; k++)
      if (!strcmp(op, ops[k])) which = k;
    if (which == 1 && expected && expected->type == MJ_OBJECT) {
      key = mj_get(expected, "key");
      keep = mj_get(expected, "keep_until");
    }
    /* A case this runner cannot read is a failure, never a skip. */
    if (!id || !kind || !text || !expected || which < 0 ||
        !(expected->type == MJ_STRING || (key && key->type == MJ_STRING && keep && keep->type == MJ_NUMBER))) {
      check(0, "protocol.json case #%zu (%s) is malformed", i, id ? id : "no id");
      continue;
    }
    ran[which]++;
    if (which == 0) code = P.idos_signed_message(kind, kind_len, text, text_len, &out, &out_len, &message);
    else if (which == 1) code = P.idos_replay_key(kind, kind_len, text, text_len, &out, &out_len, &keep_until, &message);
    else code = P.idos_derive_access_grant(kind, kind_len, text, text_len, &out, &out_len, &message);

    if (code != IDOS_OK) {
      got = P.idos_error_name(code);
      check(out == NULL && out_len == 0, "protocol.json %s: failure leaves out NULL and out_len 0", id);
      if (which == 1) check(keep_until == 0, "protocol.json %s: failure sets keep_until 0", id);
    } else {
      check(out != NULL && strlen(out) == out_len, "protocol.json %s: output NUL-terminated at out_len", id);
      if (key) got = (key->str_len == out_len && !memcmp(key->str, out, out_len) && keep->integer == keep_until) ? "valid" : "different";
      else got = (expected->type == MJ_STRING && expected->str_len == out_len && !memcmp(expected->str, out, out_len)) ? "valid" : "different";
    }
    want = expected->type == MJ_STRING && is_code_name(expected->str) ? expected->str : "valid";
    result_line("protocol.json", id, got);
    if (which == 1 && code == IDOS_OK)
      check(!strcmp(got, want), "protocol.json %s: expected %s, got %s {%s, %lld} (%s)", id,
            key ? key->str : expected->str, got, out, (long long)keep_until, message ? message : "");
    else
      check(!strcmp(got, want), "protocol.json %s: expected %s, got %s: %s", id, expected->type == MJ_STRING ? expected->str : "{...}",
            got, code == IDOS_OK ? out : (message ? message : ""));
    check((code == IDOS_OK) == (message == NULL), "protocol.json %s: error_message iff failure", id);
    P.idos_free(message);
    if (code == IDOS_OK) P.idos_free(out);
  }
  check(ran[0] > 40 && ran[1] > 25 && ran[2] > 40, "protocol.json: ran %zu signed_message, %zu replay_key, %zu derive_access_grant cases",
        ran[0], ran[1], ran[2]);
  free_vectors(doc);
}

/* --- ids and hashes ------------------------------------------------------------------------------ */
static void run_ids_and_hashes(void) {
  char* out = NULL;
  size_t out_len = 0;
  int32_t rc = P.idos_content_hash(NULL, 0, &out, &out_len, NULL);
  check(rc == IDOS_OK && out_len == 64 &&
            !strcmp(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        "content_hash of empty input");
  P.idos_free(out);
  rc = P.idos_content_hash((const uint8_t*)"abc", 3, &out, &out_len, NULL);
  check(rc == IDOS_OK && !strcmp(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        "content_hash of \"abc\"");
  P.idos_free(out);

  /* Every valid access grant of grants.json carries idos_access_grant_id(grantee, data_id, lock). */
  mj_value* doc = load_vectors("grants.json");
  const mj_value* cases = doc ? mj_get(doc, "cases") : NULL;
  size_t i, checked = 0;
  for (i = 0; cases && i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    const mj_value* in = mj_get(c, "input");
    const char* kind = mj_str(c, "kind", NULL);
    const char* expected = mj_str(c, "expected", NULL);
    const mj_value* lock;
    size_t gl = 0, dl = 0;
    const char *grantee, *data_id, *id;
    if (!kind || !expected) continue; /* run_grants reports these */
    /* Valid access grants written as JSON (not as raw input_text) carry their fields. */
    if (strcmp(kind, "access_grant") || strcmp(expected, "valid") || !in) continue;
    grantee = mj_str(in, "grantee", &gl);
    data_id = mj_str(in, "data_id", &dl);
    id = mj_str(in, "id", NULL);
    lock = mj_get(in, "locked_until");
    if (!grantee || !data_id || !id || !lock || lock->type != MJ_NUMBER) {
      malformed_case("grants.json valid access_grant", i, "needs string grantee, data_id, id and integer locked_until");
      continue;
    }
    rc = P.idos_access_grant_id(grantee, gl, data_id, dl, lock->integer, &out, &out_len, NULL);
    check(rc == IDOS_OK && out && !strcmp(out, id), "access grant id of %s", mj_str(c, "id", NULL));
    P.idos_free(out);
    checked++;
  }
  check(checked >= 2, "access grant ids checked: %zu", checked);
  free_vectors(doc);
}

/* --- misuse ---------------------------------------------------------------------------------------- */
static void expect_code(int32_t got, int32_t want, const char* what) {
  check(got == want, "misuse %s: expected %s, got %s", what, P.idos_error_name(want), P.idos_error_name(got));
}
static void expect_failure(int32_t got, const char* what) {
  check(got != IDOS_OK && got >= 0 && got <= IDOS_LAST_CODE, "misuse %s: expected a failure code, got %d", what, got);
}

static void run_misuse(void) {
  const size_t huge = (size_t)-1;
  const char one[] = "{";
  char* out = (char*)"sentinel";
  size_t out_len = 77;
  char* msg = NULL;
  size_t n, i;
  char* deep;
  uint8_t sig[64] = {0}, pk[32] = {0};

  /* library */
  check(P.idos_plugin_abi_version() == IDOS_PLUGIN_ABI_VERSION, "abi version %d", P.idos_plugin_abi_version());
#ifdef IDOS_EXPECTED_VERSION
  check(!strcmp(P.idos_plugin_version(), IDOS_EXPECTED_VERSION), "version %s", P.idos_plugin_version());
#endif
  check(!strcmp(P.idos_error_name(IDOS_OK), "OK"), "error name 0");
  check(!strcmp(P.idos_error_name(IDOS_REPLAYED), "REPLAYED"), "error name 16");
  check(!strcmp(P.idos_error_name(IDOS_MISMATCH), "MISMATCH"), "error name 19");
  check(!strcmp(P.idos_error_name(-1), "UNKNOWN"), "error name -1");
  check(!strcmp(P.idos_error_name(IDOS_RATE_LIMITED), "RATE_LIMITED"), "error name 21");
  check(!strcmp(P.idos_error_name(IDOS_UNAVAILABLE), "UNAVAILABLE"), "error name 22");
  /* Every code up to IDOS_LAST_CODE has its own name; the next one is unknown. */
  for (i = 0; i <= (size_t)IDOS_LAST_CODE; i++) {
    size_t j;
    const char* name = P.idos_error_name((int32_t)i);
    check(strcmp(name, "UNKNOWN") != 0, "error name %zu is UNKNOWN", i);
    for (j = 0; j < i; j++) check(strcmp(name, P.idos_error_name((int32_t)j)) != 0, "codes %zu and %zu share %s", j, i, name);
  }
  check(!strcmp(P.idos_error_name(IDOS_LAST_CODE + 1), "UNKNOWN"), "error name IDOS_LAST_CODE + 1");
  check(!strcmp(P.idos_error_name(INT32_MIN), "UNKNOWN"), "error name INT32_MIN");
  P.idos_free(NULL);
  check(P.idos_plugin_init() == IDOS_OK, "init twice");

  /* NULL pointers and zero lengths */
  expect_code(P.idos_validate(NULL, 0, "{}", 2, 0, 0, NULL), IDOS_UNSUPPORTED, "validate kind NULL/0");
  expect_code(P.idos_validate(NULL, 5, "{}", 2, 0, 0, NULL), IDOS_INVALID_INPUT, "validate kind NULL/5");
  expect_code(P.idos_validate("access_grant", 12, NULL, 0, 0, 0, NULL), IDOS_INVALID_JSON, "validate json NULL/0");
  expect_code(P.idos_validate("access_grant", 12, NULL, 10, 0, 0, NULL), IDOS_INVALID_INPUT, "validate json NULL/10");
  expect_code(P.idos_validate("access_grant", 12, "", 0, 0, 0, NULL), IDOS_INVALID_JSON, "validate json \"\"");
  expect_code(P.idos_validate("access_grant", 12, "{}", 2, 0, 0, &msg), IDOS_INVALID_INPUT, "validate {}");
  check(msg != NULL && strlen(msg) > 0, "error message on failure");
  P.idos_free(msg);
  expect_code(P.idos_verify_credential(NULL, 3, NULL), IDOS_INVALID_INPUT, "verify_credential NULL/3");
  expect_code(P.idos_verify_delegated_write_grant(NULL, 0, 0, 1, NULL), IDOS_INVALID_JSON, "dwg NULL/0");
  expect_code(P.idos_verify_wallet_signature(NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
                                             NULL),
              IDOS_UNSUPPORTED, "wallet signature all NULL");
  expect_code(P.idos_verify_wallet_signature("EVM", 3, NULL, 9, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
                                             NULL),
              IDOS_INVALID_INPUT, "wallet signature identifier NULL/9");
  expect_failure(P.idos_verify_wallet_signature("EVM", 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
                                                NULL),
                 "wallet signature EVM, rest empty");
  expect_code(P.idos_canonical_wallet_identifier("EVM", 3, "0x", 2, NULL, &out_len, NULL), IDOS_INVALID_INPUT,
              "canonical identifier out NULL");
  expect_code(P.idos_canonical_wallet_identifier("EVM", 3, "0x", 2, &out, NULL, NULL), IDOS_INVALID_INPUT,
              "canonical identifier out_len NULL");
  expect_failure(P.idos_canonical_wallet_identifier(NULL, 0, NULL, 0, &out, &out_len, NULL), "canonical identifier NULL");
  check(out == NULL && out_len == 0, "failure leaves out NULL and out_len 0");
  expect_code(P.idos_access_grant_id(NULL, 0, NULL, 0, 0, NULL, NULL, NULL), IDOS_INVALID_INPUT, "access_grant_id out NULL");
  /* The id is computed over any strings, as in the core (idos_check_access_grant checks fields). */
  expect_code(P.idos_access_grant_id(NULL, 0, NULL, 0, 0, &out, &out_len, NULL), IDOS_OK, "access_grant_id empty");
  P.idos_free(out);
  expect_code(P.idos_content_hash(NULL, 1, &out, &out_len, NULL), IDOS_INVALID_INPUT, "content_hash NULL/1");
  {
    int64_t keep = 5;
    expect_code(P.idos_signed_message("read_request", 12, "{}", 2, NULL, &out_len, NULL), IDOS_INVALID_INPUT,
                "signed_message out NULL");
    expect_code(P.idos_derive_access_grant("share", 5, "{}", 2, &out, NULL, NULL), IDOS_INVALID_INPUT,
                "derive_access_grant out_len NULL");
    expect_code(P.idos_replay_key("read_request", 12, "{}", 2, &out, &out_len, NULL, NULL), IDOS_INVALID_INPUT,
                "replay_key keep_until NULL");
    expect_code(P.idos_replay_key(NULL, 0, "{}", 2, &out, &out_len, &keep, NULL), IDOS_UNSUPPORTED, "replay_key kind NULL/0");
    check(out == NULL && out_len == 0 && keep == 0, "replay_key failure leaves out NULL, out_len 0, keep_until 0");
    expect_code(P.idos_signed_message("read_request", 12, NULL, 10, &out, &out_len, NULL), IDOS_INVALID_INPUT,
                "signed_message json NULL/10");
    expect_code(P.idos_derive_access_grant("share", 5, NULL, 0, &out, &out_len, NULL), IDOS_INVALID_JSON,
                "derive_access_grant json NULL/0");
    expect_code(P.idos_signed_message("read_request", 12, one, huge, &out, &out_len, NULL), IDOS_TOO_LARGE,
                "signed_message json SIZE_MAX");
    expect_code(P.idos_replay_key(one, huge, one, 1, &out, &out_len, &keep, NULL), IDOS_TOO_LARGE, "replay_key kind SIZE_MAX");
    expect_code(P.idos_derive_access_grant("share", 5, "\xff", 1, &out, &out_len, NULL), IDOS_INVALID_UTF8,
                "derive_access_grant \\xff");
  }
  expect_code(P.idos_content_hash(NULL, 0, NULL, NULL, NULL), IDOS_INVALID_INPUT, "content_hash out NULL");
  expect_code(P.idos_canonical_json(NULL, 0, &out, &out_len, NULL), IDOS_INVALID_JSON, "canonical_json NULL/0");
  expect_code(P.idos_ed25519_verify(NULL, 0, NULL, 0, NULL, 0, NULL), IDOS_INVALID_LENGTH, "ed25519 all empty");
  expect_code(P.idos_ed25519_verify(NULL, 1, sig, 64, pk, 32, NULL), IDOS_INVALID_INPUT, "ed25519 msg NULL/1");
  expect_failure(P.idos_ed25519_verify(NULL, 0, sig, 64, pk, 32, NULL), "ed25519 zero key and signature");

  /* huge lengths: refused before any byte is read */
  expect_code(P.idos_validate("access_grant", 12, one, huge, 0, 0, NULL), IDOS_TOO_LARGE, "validate json SIZE_MAX");
  expect_code(P.idos_validate(one, huge, one, 1, 0, 0, NULL), IDOS_TOO_LARGE, "validate kind SIZE_MAX");
  expect_code(P.idos_validate("access_grant", 12, one, IDOS_MAX_INPUT_BYTES + 1, 0, 0, NULL), IDOS_TOO_LARGE,
              "validate json max+1");
  expect_code(P.idos_verify_wallet_signature("EVM", 3, one, 1, NULL, 0, one, huge, one, 1, NULL, 0, NULL, 0, NULL, 0,
                                             NULL),
              IDOS_TOO_LARGE, "wallet message SIZE_MAX");
  expect_code(P.idos_canonical_wallet_identifier("EVM", 3, one, huge, &out, &out_len, NULL), IDOS_TOO_LARGE,
              "canonical identifier SIZE_MAX");
  expect_code(P.idos_access_grant_id(one, huge, one, 1, 0, &out, &out_len, NULL), IDOS_TOO_LARGE, "grant id SIZE_MAX");
  expect_code(P.idos_content_hash((const uint8_t*)one, huge, &out, &out_len, NULL), IDOS_TOO_LARGE, "content_hash SIZE_MAX");
  expect_code(P.idos_canonical_json(one, huge, &out, &out_len, NULL), IDOS_TOO_LARGE, "canonical_json SIZE_MAX");
  expect_code(P.idos_ed25519_verify((const uint8_t*)one, huge, sig, 64, pk, 32, NULL), IDOS_TOO_LARGE, "ed25519 SIZE_MAX");
  /* Within the ABI cap but over the format's own limit (64 KiB for an access grant). */
  n = 70 * 1024;
  deep = malloc(n);
  memset(deep, ' ', n);
  expect_code(P.idos_validate("access_grant", 12, deep, n, 0, 0, NULL), IDOS_TOO_LARGE, "access grant over 64 KiB");

  /* invalid UTF-8 */
  expect_code(P.idos_validate("access_grant", 12, "\xff", 1, 0, 0, NULL), IDOS_INVALID_UTF8, "validate \\xff");
  expect_code(P.idos_validate("access_grant", 12, "{\"id\":\"\xc0\xaf\"}", 11, 0, 0, NULL), IDOS_INVALID_UTF8,
              "validate overlong");
  expect_code(P.idos_validate("access_grant", 12, "\"\xed\xa0\x80\"", 5, 0, 0, NULL), IDOS_INVALID_UTF8,
              "validate surrogate");
  expect_code(P.idos_canonical_json("\"\xf8\x88\x80\x80\x80\"", 7, &out, &out_len, NULL), IDOS_INVALID_UTF8,
              "canonical_json 5-byte sequence");
  expect_failure(P.idos_verify_wallet_signature("FaceSign", 8,
                                                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", 64,
                                                NULL, 0, "\xff\xfe", 2, "00", 2, NULL, 0, NULL, 0, NULL, 0, NULL),
                 "wallet message not UTF-8");
  expect_failure(P.idos_canonical_wallet_identifier("E\xffM", 3, "0x", 2, &out, &out_len, NULL), "wallet type not UTF-8");
  expect_code(P.idos_validate("access\xff", 7, "{}", 2, 0, 0, NULL), IDOS_UNSUPPORTED, "kind not UTF-8");

  /* embedded NUL: lengths, not NUL terminators, delimit text */
  expect_code(P.idos_validate("access_grant\0x", 14, "{}", 2, 0, 0, NULL), IDOS_UNSUPPORTED, "kind with NUL");
  expect_failure(P.idos_validate("access_grant", 12, "{}\0", 3, 0, 0, NULL), "json with trailing NUL");

  /* deep nesting: the depth limit, not the stack, decides */
  free(deep);
  n = 60000;
  deep = malloc(n);
  memset(deep, '[', n);
  expect_code(P.idos_validate("access_grant", 12, deep, n, 0, 0, NULL), IDOS_INVALID_JSON, "60000 x [");
  free(deep);
  n = 1000000;
  deep = malloc(n);
  for (i = 0; i + 5 < n; i += 5) memcpy(deep + i, "{\"a\":", 5);
  memset(deep + i, '{', n - i);
  expect_code(P.idos_validate("verifiable_credential", 21, deep, n, 0, 0, NULL), IDOS_INVALID_JSON, "200000 x {\"a\":");
  expect_failure(P.idos_canonical_json(deep, n, &out, &out_len, NULL), "canonical_json deep");
  memset(deep, '[', n);
  expect_failure(P.idos_canonical_json(deep, n, &out, &out_len, NULL), "canonical_json 10^6 x [");
  free(deep);

  /* extreme integers */
  expect_failure(P.idos_validate("delegated_write_grant", 21, "{}", 2, INT64_MIN, 1, NULL), "dwg now INT64_MIN");
  expect_code(P.idos_access_grant_id("0x0000000000000000000000000000000000000000", 42,
                                     "5a61bf08-ae2a-4104-bc82-077cee4a0ecf", 36, INT64_MIN, &out, &out_len, NULL),
              IDOS_OK, "access_grant_id INT64_MIN");
  P.idos_free(out);
  expect_code(P.idos_access_grant_id("0x0000000000000000000000000000000000000000", 42,
                                     "5a61bf08-ae2a-4104-bc82-077cee4a0ecf", 36, 0, &out, &out_len, NULL),
              IDOS_OK, "access_grant_id lock 0");
  check(out != NULL && out_len == 36 && strlen(out) == 36, "access_grant_id is a 36-character UUID");
  P.idos_free(out);
}

/* --- thread safety: the same verdicts from two threads at once ------------------------------------ */
typedef struct {
  const grant_case* cases;
  size_t n;
  size_t mismatches;
} thread_job;

static void* thread_main(void* arg) {
  thread_job* job = arg;
  size_t round, i;
  for (round = 0; round < 3; round++) {
    for (i = 0; i < job->n; i++) {
      const grant_case* g = &job->cases[i];
      char* message = NULL;
      int32_t code = P.idos_validate(g->kind, strlen(g->kind), g->text, g->text_len, g->now, g->seen_before, &message);
      if (strcmp(outcome(code), g->expected) != 0) job->mismatches++;
      P.idos_free(message);
    }
  }
  return NULL;
}

static void run_threads(void) {
  mj_value* doc = load_vectors("grants.json");
  grant_case* cases = NULL;
  thread_job jobs[4];
  pthread_t threads[4];
  size_t i, n, mismatches = 0;
  if (!doc) return;
  n = grant_cases(doc, &cases, 0); /* run_grants reported any unreadable case */
  check(n > 0, "threads: no grants.json cases to run");
  for (i = 0; i < 4; i++) {
    jobs[i].cases = cases;
    jobs[i].n = n;
    jobs[i].mismatches = 0;
    pthread_create(&threads[i], NULL, thread_main, &jobs[i]);
  }
  for (i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    mismatches += jobs[i].mismatches;
  }
  check(mismatches == 0, "4 threads x 3 rounds of grants.json: %zu wrong verdicts", mismatches);
  free(cases);
  free_vectors(doc);
}

int main(int argc, char** argv) {
  const char* plugin = IDOS_PLUGIN_PATH;
  const char* results = NULL;
  void* handle;
  int i;
  for (i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--plugin")) plugin = argv[i + 1];
    else if (!strcmp(argv[i], "--vectors")) g_vectors = argv[i + 1];
    else if (!strcmp(argv[i], "--results")) results = argv[i + 1];
    else {
      fprintf(stderr, "usage: %s [--plugin PATH] [--vectors DIR] [--results FILE]\n", argv[0]);
      return 2;
    }
  }
  handle = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    printf("cannot load %s: %s\n0 passed, 1 failed\n", plugin, dlerror());
    return 1;
  }
#define RESOLVE(name)                                                   \
  *(void**)(&P.name) = dlsym(handle, #name);                            \
  check(P.name != NULL, "symbol %s missing from %s", #name, plugin);    \
  if (!P.name) {                                                        \
    printf("%d passed, %d failed\n", g_passed, g_failed);               \
    return 1;                                                           \
  }
  PLUGIN_FUNCTIONS(RESOLVE)
#undef RESOLVE
  check(P.idos_plugin_init() == IDOS_OK, "idos_plugin_init");

  run_grants();
  run_protocol();
  run_idos_wire();
  run_wallet_signatures();
  run_ed25519();
  run_jcs();
  run_ids_and_hashes();
  run_misuse();
  run_threads();

  if (results) check(write_results(results), "cannot write %s", results);
  printf("plugin %s (ABI %d), %zu vector outcomes\n", P.idos_plugin_version(), P.idos_plugin_abi_version(),
         g_results_n);
  for (size_t k = 0; k < g_results_n; k++) free(g_results[k]);
  free(g_results);
  dlclose(handle);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

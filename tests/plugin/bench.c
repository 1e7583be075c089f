/*
 * Benchmark (not a test): validations per second on one core through the plugin's C ABI (loaded
 * with dlopen, as a node does), next to the raw primitive each one is built on, from the very
 * libsecp256k1 / libsodium archives linked into the plugin.
 *
 *   idos_plugin_bench [--plugin PATH] [--vectors DIR] [--seconds S] [--profile dwg|read]
 *
 * Prints a Markdown table (scripts/bench.d/plugin.sh). Inputs are the valid cases of
 * tests/vectors/grants.json: "dwg/valid-evm" (a DWG signed by an EVM wallet) and
 * "read_request/valid-facesign" + "access_grant/valid-facesign-locked" (an Ed25519 wallet's read
 * request and the access grant it relies on).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idos_plugin.h"
#include "mini_json.h"

#ifndef IDOS_PLUGIN_PATH
#define IDOS_PLUGIN_PATH "libidos_plugin.so"
#endif
#ifndef IDOS_VECTORS_DIR
#define IDOS_VECTORS_DIR "tests/vectors"
#endif

static __typeof__(&idos_validate) p_validate;
static __typeof__(&idos_check_access_grant) p_check_access_grant;
static __typeof__(&idos_verify_read_request) p_verify_read_request;
static __typeof__(&idos_verify_delegated_write_grant) p_verify_dwg;
static __typeof__(&idos_verify_wallet_signature) p_verify_wallet;

/* EIP-191 personal_sign verification through the ABI (wallet_signatures.json "evm-ascii-valid"). */
static const char *g_evm_address, *g_evm_message, *g_evm_signature;
static int op_eip191(void* arg) {
  (void)arg;
  return p_verify_wallet("EVM", 3, g_evm_address, strlen(g_evm_address), NULL, 0, g_evm_message,
                         strlen(g_evm_message), g_evm_signature, strlen(g_evm_signature), NULL, 0, NULL, 0, NULL, 0,
                         NULL);
}

typedef struct {
  const char* text;
  size_t len;
  int64_t now;
  const mj_value* input;
} vector_case;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs `op` in batches until `seconds` have passed (after a short warm-up); returns ops/s. */
static double rate(int (*op)(void*), void* arg, double seconds) {
  double start, elapsed;
  long n = 0, batch = 64, i;
  for (i = 0; i < 200; i++)
    if (op(arg) != 0) return -1;
  start = now_seconds();
  do {
    for (i = 0; i < batch; i++)
      if (op(arg) != 0) return -1;
    n += batch;
    elapsed = now_seconds() - start;
  } while (elapsed < seconds);
  return (double)n / elapsed;
}

static vector_case g_dwg, g_read, g_grant;

static int op_dwg(void* arg) {
  (void)arg;
  return p_verify_dwg(g_dwg.text, g_dwg.len, g_dwg.now, 0, NULL);
}
static int op_dwg_validate(void* arg) {
  (void)arg;
  return p_validate("delegated_write_grant", 21, g_dwg.text, g_dwg.len, g_dwg.now, 0, NULL);
}
static int op_read(void* arg) {
  (void)arg;
  return p_verify_read_request(g_read.text, g_read.len, g_read.now, 0, NULL);
}
static int op_grant_and_read(void* arg) {
  (void)arg;
  int rc = p_check_access_grant(g_grant.text, g_grant.len, NULL);
  return rc != 0 ? rc : p_verify_read_request(g_read.text, g_read.len, g_read.now, 0, NULL);
}

/* Raw EVM primitive: parse r||s||v and recover the public key (as EIP-191 verification must). */
static uint8_t g_sig65[65], g_digest[32];
static int op_secp256k1_recover(void* arg) {
  (void)arg;
  secp256k1_ecdsa_recoverable_signature sig;
  secp256k1_pubkey pk;
  uint8_t out[65];
  size_t out_len = sizeof out;
  int v = g_sig65[64] >= 27 ? g_sig65[64] - 27 : g_sig65[64];
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &sig, g_sig65, v)) return 1;
  if (!secp256k1_ecdsa_recover(secp256k1_context_static, &pk, &sig, g_digest)) return 1;
  secp256k1_ec_pubkey_serialize(secp256k1_context_static, out, &out_len, &pk, SECP256K1_EC_UNCOMPRESSED);
  return 0;
}

/* Raw Ed25519 primitive: libsodium's verify of the read request's message. */
static uint8_t g_ed_sig[64], g_ed_pk[32];
static char g_ed_msg[1024];
static size_t g_ed_msg_len;
static int op_ed25519_verify(void* arg) {
  (void)arg;
  return crypto_sign_verify_detached(g_ed_sig, (const uint8_t*)g_ed_msg, g_ed_msg_len, g_ed_pk) == 0 ? 0 : 1;
}

static int find_case(const mj_value* doc, const char* id, vector_case* out) {
  const mj_value* cases = mj_get(doc, "cases");
  size_t i;
  for (i = 0; cases && i < cases->count; i++) {
    const mj_value* c = &cases->items[i];
    const char* cid = mj_str(c, "id", NULL);
    if (cid && !strcmp(cid, id)) {
      out->input = mj_get(c, "input");
      out->text = out->input->raw;
      out->len = out->input->raw_len;
      out->now = mj_get(c, "now")->integer;
      return 1;
    }
  }
  fprintf(stderr, "grants.json has no case %s\n", id);
  return 0;
}

static int unhex_into(const char* hex, uint8_t* out, size_t n) {
  size_t i;
  if (!hex || strlen(hex) != 2 * n) return 0;
  for (i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) return 0;
    out[i] = (uint8_t)v;
  }
  return 1;
}

static void row(const char* what, double plugin, const char* raw_name, double raw) {
  printf("| %s | %.0f | %s | %.0f | %+.1f%% |\n", what, plugin, raw_name, raw, (raw / plugin - 1.0) * 100.0);
}

int main(int argc, char** argv) {
  const char* plugin = IDOS_PLUGIN_PATH;
  const char* vectors = IDOS_VECTORS_DIR;
  double seconds = 1.0;
  const char* profile = NULL; /* --profile dwg|read: run only that call, for perf */
  char path[4096];
  size_t len;
  char* text;
  mj_value doc;
  void* h;
  int i;
  for (i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--plugin")) plugin = argv[i + 1];
    else if (!strcmp(argv[i], "--vectors")) vectors = argv[i + 1];
    else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--profile")) profile = argv[i + 1];
  }
  h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "cannot load %s: %s\n", plugin, dlerror());
    return 1;
  }
  *(void**)&p_validate = dlsym(h, "idos_validate");
  *(void**)&p_check_access_grant = dlsym(h, "idos_check_access_grant");
  *(void**)&p_verify_read_request = dlsym(h, "idos_verify_read_request");
  *(void**)&p_verify_dwg = dlsym(h, "idos_verify_delegated_write_grant");
  *(void**)&p_verify_wallet = dlsym(h, "idos_verify_wallet_signature");
  __typeof__(&idos_plugin_init) init;
  *(void**)&init = dlsym(h, "idos_plugin_init");
  if (!p_validate || !p_check_access_grant || !p_verify_read_request || !p_verify_dwg || !p_verify_wallet || !init || init() != 0 ||
      sodium_init() < 0)
    return 1;

  snprintf(path, sizeof path, "%s/grants.json", vectors);
  text = mj_read_file(path, &len);
  if (!text || !mj_parse(text, len, &doc)) return 1;
  if (!find_case(&doc, "dwg/valid-evm", &g_dwg) || !find_case(&doc, "read_request/valid-facesign", &g_read) ||
      !find_case(&doc, "access_grant/valid-facesign-locked", &g_grant))
    return 1;

  char wpath[4096];
  size_t wlen;
  char* wtext;
  mj_value wdoc;
  snprintf(wpath, sizeof wpath, "%s/wallet_signatures.json", vectors);
  wtext = mj_read_file(wpath, &wlen);
  if (!wtext || !mj_parse(wtext, wlen, &wdoc)) return 1;
  {
    const mj_value* cases = mj_get(&wdoc, "cases");
    size_t k;
    for (k = 0; cases && k < cases->count; k++) {
      const mj_value* c = &cases->items[k];
      const char* cid = mj_str(c, "id", NULL);
      if (cid && !strcmp(cid, "evm-ascii-valid")) {
        g_evm_address = mj_str(c, "identifier", NULL);
        g_evm_message = mj_str(c, "message", NULL);
        g_evm_signature = mj_str(c, "signature", NULL);
      }
    }
    if (!g_evm_address || !g_evm_message || !g_evm_signature) {
      fprintf(stderr, "wallet_signatures.json has no case evm-ascii-valid\n");
      return 1;
    }
  }

  /* EVM: the DWG's own signature; recovery costs the same for any digest. */
  const char* sig = mj_str(g_dwg.input, "signature", NULL);
  if (!sig || !unhex_into(sig + 2, g_sig65, 65)) return 1;
  memset(g_digest, 0x5a, sizeof g_digest);

  /* Ed25519: rebuild the read request's signed message (docs/spec/requests.md) and check it. */
  g_ed_msg_len = (size_t)snprintf(g_ed_msg, sizeof g_ed_msg,
                                  "operation: readRequest\ngrantee: %s\ndata_id: %s\nnonce: %s\nissued_at: %s",
                                  mj_str(g_read.input, "grantee_wallet_identifier", NULL),
                                  mj_str(g_read.input, "data_id", NULL), mj_str(g_read.input, "nonce", NULL),
                                  mj_str(g_read.input, "issued_at", NULL));
  if (!unhex_into(mj_str(g_read.input, "signature", NULL), g_ed_sig, 64) ||
      !unhex_into(mj_str(g_read.input, "grantee_wallet_identifier", NULL), g_ed_pk, 32) ||
      op_ed25519_verify(NULL) != 0) {
    fprintf(stderr, "the rebuilt read request message does not verify\n");
    return 1;
  }

  if (profile) {
    double r = rate(!strcmp(profile, "dwg") ? op_dwg : op_read, NULL, seconds);
    printf("%s: %.0f ops/s\n", profile, r);
    return r < 0;
  }
  double eip191 = rate(op_eip191, NULL, seconds);
  double dwg = rate(op_dwg, NULL, seconds);
  double dwg_v = rate(op_dwg_validate, NULL, seconds);
  double recover = rate(op_secp256k1_recover, NULL, seconds);
  double read = rate(op_read, NULL, seconds);
  double grant_read = rate(op_grant_and_read, NULL, seconds);
  double ed = rate(op_ed25519_verify, NULL, seconds);
  if (eip191 < 0 || dwg < 0 || dwg_v < 0 || recover < 0 || read < 0 || grant_read < 0 || ed < 0) {
    fprintf(stderr, "a benchmarked call did not return IDOS_OK\n");
    return 1;
  }
  printf("| validation (one core) | plugin ops/s | raw primitive | raw ops/s | raw faster by |\n");
  printf("|---|---:|---|---:|---:|\n");
  row("EIP-191 `personal_sign` verification (`idos_verify_wallet_signature`)", eip191,
      "libsecp256k1 recover + serialize", recover);
  row("DWG signed by an EVM wallet (`idos_verify_delegated_write_grant`)", dwg,
      "libsecp256k1 recover + serialize", recover);
  row("same through `idos_validate`", dwg_v, "libsecp256k1 recover + serialize", recover);
  row("Ed25519 (FaceSign) read request (`idos_verify_read_request`)", read, "libsodium `crypto_sign_verify_detached`",
      ed);
  row("access grant + Ed25519 read request", grant_read, "libsodium `crypto_sign_verify_detached`", ed);
  mj_free(&doc);
  free(text);
  mj_free(&wdoc);
  free(wtext);
  dlclose(h);
  return 0;
}

/*
 * idos_plugin.h: the C ABI of libidos_plugin.so, the validation a storage node runs.
 *
 * The same C++ core as the browser module (core/), so a node and a browser reach the same verdict,
 * with the same error code, on the same bytes. The formats are specified in docs/spec/.
 *
 * Rules (they hold for every function below):
 *
 * 1. Argument order: inputs first, then outputs, then the optional `error_message`. Every buffer
 *    is followed by its length in bytes (size_t). Text need not be NUL-terminated.
 * 2. A NULL pointer with length 0 is the empty string; for an optional argument (marked
 *    "optional") it means "absent". A NULL pointer with a non-zero length is INVALID_INPUT.
 *    A length above IDOS_MAX_INPUT_BYTES is TOO_LARGE and the buffer is not read. Otherwise the
 *    buffer must hold `length` readable bytes (the plugin cannot check that).
 * 3. Return value: an idos_status (int32_t). IDOS_OK is success; every other value is a verdict
 *    or an error, with the same number and name as the JS package's `IdosError.code`
 *    (docs/errors.md). A malformed input never crashes: it returns a code.
 * 4. Memory: every `char** out` the plugin fills is allocated by the plugin, NUL-terminated (its
 *    length, without the NUL, goes to `*out_len`), and must be released with idos_free(). On
 *    failure the plugin sets `*out` to NULL and `*out_len` to 0. Strings returned as
 *    `const char*` (versions, error names) are static: never free them.
 * 5. error_message (optional, may be NULL): on failure `*error_message` receives a plugin-allocated
 *    human-readable message (free with idos_free); on success it is set to NULL. Messages are for
 *    logs; decide on the code, never on the text.
 * 6. Thread safety: call idos_plugin_init() once before anything else; after it returned IDOS_OK,
 *    every function may be called from any number of threads at once. The plugin keeps no state
 *    between calls.
 * 7. No clock: the plugin never reads the time. Every time rule takes `now` (unix seconds, UTC)
 *    from the caller. Replay protection is the node's: it answers `seen_before` (non-zero = the
 *    document's single-use id or nonce was seen before) and records the value after an IDOS_OK.
 * 8. No C++ exception crosses this ABI (an internal failure is IDOS_INTERNAL).
 *
 * The same library is a SQLite extension: `.load /path/to/libidos_plugin` in the sqlite3 shell
 * (entry point sqlite3_idosplugin_init) registers the SQL functions listed in docs/plugin.md.
 */
#ifndef IDOS_PLUGIN_H
#define IDOS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IDOS_PLUGIN_API __attribute__((visibility("default")))
#else
#define IDOS_PLUGIN_API
#endif

/* Bumped on any incompatible change of this header; compare with idos_plugin_abi_version(). */
#define IDOS_PLUGIN_ABI_VERSION 1

/* Largest length the plugin reads for any one buffer (16 MiB; each format has a smaller limit). */
#define IDOS_MAX_INPUT_BYTES ((size_t)16 * 1024 * 1024)

/* Return codes: the integers of idos::ErrorCode (the table IDOS_ERROR_CODES in
 * core/primitives/include/idos/primitives/result.hpp), docs/errors.md. Written out here so this
 * header stays standalone C; the plugin's build checks every name and number against the core.
 * Stable: codes are appended, never renumbered. */
typedef enum idos_status {
  IDOS_OK = 0,
  IDOS_INVALID_INPUT = 1,      /* structurally wrong argument: missing field, wrong type, bad value */
  IDOS_INVALID_ENCODING = 2,   /* malformed or non-canonical base64, hex, base58 or base32 */
  IDOS_INVALID_LENGTH = 3,     /* a key, nonce, signature or buffer of the wrong size */
  IDOS_INVALID_UTF8 = 4,       /* text that is not well-formed UTF-8 */
  IDOS_INVALID_JSON = 5,       /* JSON that does not parse, nests too deep or repeats a key */
  IDOS_TOO_LARGE = 6,          /* input over its documented size limit */
  IDOS_INVALID_KEY = 7,        /* an unusable key: low-order point, off-curve, zero */
  IDOS_DECRYPT_FAILED = 8,     /* authentication failed: wrong key or tampered ciphertext */
  IDOS_VERIFY_FAILED = 9,      /* a well-formed signature or proof that does not verify */
  IDOS_INVALID_SIGNATURE = 10, /* a malformed signature: wrong length, high-S, r/s out of range */
  IDOS_CHECKSUM_MISMATCH = 11, /* an identifier whose checksum is wrong (EIP-55, base58check, StrKey) */
  IDOS_UNSUPPORTED = 12,       /* an unknown wallet type, kind, cryptosuite, version or operation */
  IDOS_LOCKED = 13,            /* a timelock is still in force */
  IDOS_EXPIRED = 14,           /* past a validity window */
  IDOS_NOT_YET_VALID = 15,     /* before a validity window */
  IDOS_REPLAYED = 16,          /* an id or nonce seen before */
  IDOS_FORBIDDEN = 17,         /* the caller may not do this */
  IDOS_INTERNAL = 18,          /* not the caller's fault: allocation or RNG failure */
  IDOS_MISMATCH = 19,          /* fields that must agree do not (hash, id, key vs identifier) */
  IDOS_NOT_FOUND = 20,         /* the object asked for does not exist (or is not visible to the caller) */
  IDOS_RATE_LIMITED = 21,      /* too many requests from one caller; retry later */
  IDOS_UNAVAILABLE = 22        /* not now: the node's log is unreachable, or it has not applied a position yet */
} idos_status;

/* The highest code of this header: every code is in [IDOS_OK, IDOS_LAST_CODE], with no gaps. A
 * newer plugin of the same ABI version may append codes: treat a value above IDOS_LAST_CODE as an
 * error you do not know (idos_error_name gives "UNKNOWN" for it), never as success. */
#define IDOS_LAST_CODE IDOS_UNAVAILABLE

/* --- library ------------------------------------------------------------------------------- */

/* IDOS_PLUGIN_ABI_VERSION of the loaded library. */
IDOS_PLUGIN_API int32_t idos_plugin_abi_version(void);
/* The plugin's (= the core's) version, e.g. "0.1.0". Static. */
IDOS_PLUGIN_API const char* idos_plugin_version(void);
/* Initialises the crypto libraries. Idempotent and thread-safe; IDOS_INTERNAL if the RNG fails. */
IDOS_PLUGIN_API int32_t idos_plugin_init(void);
/* "OK", "INVALID_INPUT", ... (the JS IdosError.code); "UNKNOWN" for a value not in the enum. Static. */
IDOS_PLUGIN_API const char* idos_error_name(int32_t code);
/* Frees anything the plugin returned through a char** (NULL is fine). */
IDOS_PLUGIN_API void idos_free(void* p);

/* --- one dispatcher for every document (docs/spec/validation.md) ---------------------------- */

/* kind: "credential", "access_grant", "delegated_access_grant", "delegated_write_grant", "revoke",
 * "read_request", "signed_request", "verifiable_credential", or one of the node's write decisions
 * "user", "add_wallet", "owned_credential", "dwg_write", "grant_target", "node_receipt", a
 * network node's signed log entry "node_log_entry", the lifecycle kinds "delete_credential",
 * "credential_status", "set_credential_status" (docs/spec/lifecycle.md), and the owner's changes
 * "edit_credential", "change_encryption_key", "remove_wallet" (docs/spec/owner-changes.md) (else
 * IDOS_UNSUPPORTED). json: the document's JSON text, members as listed per kind in the spec
 * (docs/spec/validation.md). */
IDOS_PLUGIN_API int32_t idos_validate(const char* kind, size_t kind_len, const char* json, size_t json_len,
                                      int64_t now, int seen_before, char** error_message);

/* The same, one call per kind (identical verdicts to idos_validate with that kind). */
/* An issuer-signed credential record or shared copy: field rules and both Ed25519 signatures. */
IDOS_PLUGIN_API int32_t idos_verify_credential(const char* json, size_t json_len, char** error_message);
/* A W3C VC with an eddsa-jcs-2022 proof (did:key issuer), validity window against `now`. */
IDOS_PLUGIN_API int32_t idos_verify_credential_proof(const char* json, size_t json_len, int64_t now,
                                                     char** error_message);
/* An access grant record: field rules and id == idos_access_grant_id(grantee, data_id, locked_until). */
IDOS_PLUGIN_API int32_t idos_check_access_grant(const char* json, size_t json_len, char** error_message);
/* A delegated access grant (DAG); seen_before: the derived access grant id already exists. */
IDOS_PLUGIN_API int32_t idos_verify_delegated_access_grant(const char* json, size_t json_len, int seen_before,
                                                           char** error_message);
/* A delegated write grant (DWG): signature, usable window at `now`; seen_before: its id was used. */
IDOS_PLUGIN_API int32_t idos_verify_delegated_write_grant(const char* json, size_t json_len, int64_t now,
                                                          int seen_before, char** error_message);
/* {"grant": <access grant>, "requester": <user id>}: owner only (FORBIDDEN), now > locked_until (LOCKED). */
IDOS_PLUGIN_API int32_t idos_check_revoke_allowed(const char* json, size_t json_len, int64_t now,
                                                  char** error_message);
/* A grantee's read request: signature, freshness at `now`; seen_before: its nonce was seen. */
IDOS_PLUGIN_API int32_t idos_verify_read_request(const char* json, size_t json_len, int64_t now, int seen_before,
                                                 char** error_message);
/* A signed request to a node: signature, freshness at `now`; seen_before: its nonce was seen. */
IDOS_PLUGIN_API int32_t idos_verify_signed_request(const char* json, size_t json_len, int64_t now, int seen_before,
                                                   char** error_message);

/* --- the protocol's other decisions on the same documents (docs/spec/validation.md) ----------- */

/* The exact text a wallet (or a node) signs for a document. kind: "delegated_access_grant",
 * "delegated_write_grant", "read_request", "signed_request", "add_wallet", "node_receipt",
 * "node_log_entry" or "credential_status"; json: the document as idos_validate reads it, the signature members may be
 * absent. */
IDOS_PLUGIN_API int32_t idos_signed_message(const char* kind, size_t kind_len, const char* json, size_t json_len,
                                            char** out, size_t* out_len, char** error_message);

/* The replay key of a single-use document: what the node records after accepting it and answers
 * as `seen_before` next time. kind "signed_request" / "read_request": the nonce, kept until
 * *keep_until (unix seconds; after it the document is refused as expired anyway);
 * "delegated_write_grant": its id, "delegated_access_grant": the access grant id it creates, both
 * kept forever (*keep_until = 0). Keys of different kinds are separate namespaces. */
IDOS_PLUGIN_API int32_t idos_replay_key(const char* kind, size_t kind_len, const char* json, size_t json_len,
                                        char** out, size_t* out_len, int64_t* keep_until, char** error_message);

/* The access grant (canonical JSON) a write creates. kind "share": {owner, grantee, data_id,
 * locked_until, content_hash, inserter_type, inserter_id}; "delegated_write_grant": {dwg, owner,
 * data_id, content_hash}; "delegated_access_grant": {dag, owner, submitter}. Field rules only. */
IDOS_PLUGIN_API int32_t idos_derive_access_grant(const char* kind, size_t kind_len, const char* json,
                                                 size_t json_len, char** out, size_t* out_len,
                                                 char** error_message);

/* --- wallets (docs/wallets.md) -------------------------------------------------------------- */

/* A wallet's signature over `message` (UTF-8). type: "EVM", "NEAR", "Stellar", "XRPL", "FaceSign".
 * public_key: optional, XRPL only. nonce, recipient, callback_url: optional, NEAR only (NEP-413).
 * IDOS_OK: valid. IDOS_VERIFY_FAILED: well-formed but does not verify. Anything else: malformed. */
IDOS_PLUGIN_API int32_t idos_verify_wallet_signature(const char* type, size_t type_len, const char* identifier,
                                                     size_t identifier_len, const char* public_key,
                                                     size_t public_key_len, const char* message, size_t message_len,
                                                     const char* signature, size_t signature_len, const char* nonce,
                                                     size_t nonce_len, const char* recipient, size_t recipient_len,
                                                     const char* callback_url, size_t callback_url_len,
                                                     char** error_message);

/* idos_verify_wallet_signature with the scheme and the NEAR recipient policy (docs/wallets.md):
 * scheme (optional): NEAR "nep413" | "nep413-packed", Stellar "raw" | "sep53", EVM "eip191",
 * XRPL/FaceSign "raw"; absent: the type's default (NEAR: packed when no nonce; Stellar: raw, then
 * SEP-53). expected_recipient (optional, NEAR only): the NEP-413 recipient required (IDOS_MISMATCH
 * otherwise); absent: "idos.network" for the packed form, none for the separate form; "*": any. */
IDOS_PLUGIN_API int32_t idos_verify_wallet_signature_with(
    const char* type, size_t type_len, const char* identifier, size_t identifier_len, const char* public_key,
    size_t public_key_len, const char* message, size_t message_len, const char* signature, size_t signature_len,
    const char* nonce, size_t nonce_len, const char* recipient, size_t recipient_len, const char* callback_url,
    size_t callback_url_len, const char* scheme, size_t scheme_len, const char* expected_recipient,
    size_t expected_recipient_len, char** error_message);

/* The one canonical spelling of a wallet identifier (e.g. EVM: "0x" + 40 lowercase hex).
 * An EIP-55 address with a wrong checksum is IDOS_CHECKSUM_MISMATCH, never silently lowercased.
 * An empty `type` infers the type from the identifier's shape, as a grant's grantee is read
 * ("0x" EVM, "ed25519:" NEAR, 64 hex FaceSign, "G" + 55 Stellar, "r" XRPL). */
IDOS_PLUGIN_API int32_t idos_canonical_wallet_identifier(const char* type, size_t type_len, const char* identifier,
                                                         size_t identifier_len, char** out, size_t* out_len,
                                                         char** error_message);

/* --- ids and hashes ------------------------------------------------------------------------- */

/* idOS's access grant id: UUIDv5(31276fd4-105f-4ff7-9f64-644942c14b79,
 * "<grantee>-<data_id>-<locked_until>" with locked_until in decimal). Like the core (and the JS
 * accessGrantId), it computes the id of any strings: idos_check_access_grant checks the fields. */
IDOS_PLUGIN_API int32_t idos_access_grant_id(const char* grantee, size_t grantee_len, const char* data_id,
                                             size_t data_id_len, int64_t locked_until, char** out, size_t* out_len,
                                             char** error_message);

/* The id idOS's schema computes: the same UUIDv5 over the grantee exactly as supplied (an EIP-55
 * grantee gives another id than its lowercase form). The grantee must be a valid spelling, data_id
 * a UUID, locked_until in 0..253402300799. For interop; stored grants use idos_access_grant_id over
 * the canonical grantee. */
IDOS_PLUGIN_API int32_t idos_access_grant_id_as_supplied(const char* grantee, size_t grantee_len, const char* data_id,
                                                         size_t data_id_len, int64_t locked_until, char** out,
                                                         size_t* out_len, char** error_message);

/* The spec's content_hash: 64 lowercase hex of SHA-256(plaintext). */
IDOS_PLUGIN_API int32_t idos_content_hash(const uint8_t* plaintext, size_t plaintext_len, char** out,
                                          size_t* out_len, char** error_message);

/* RFC 8785 canonical JSON (JCS) of a JSON text (size limit 1 MiB, depth 32). */
IDOS_PLUGIN_API int32_t idos_canonical_json(const char* json, size_t json_len, char** out, size_t* out_len,
                                            char** error_message);

/* Strict Ed25519 verification (32-byte key, 64-byte signature, raw message bytes).
 * IDOS_OK: valid; IDOS_VERIFY_FAILED: does not verify; IDOS_INVALID_LENGTH: wrong key/signature size. */
IDOS_PLUGIN_API int32_t idos_ed25519_verify(const uint8_t* message, size_t message_len, const uint8_t* signature,
                                            size_t signature_len, const uint8_t* public_key, size_t public_key_len,
                                            char** error_message);

#ifdef __cplusplus
}
#endif

#endif /* IDOS_PLUGIN_H */

// Access grants and the signed messages around them (docs/spec/grants.md, docs/spec/requests.md):
// idOS-compatible access grant ids, delegated access grants (DAG), delegated write grants (DWG),
// revocation, and this project's read requests and signed requests.
//
// Message templates are `key: value` lines joined by "\n" (LF, no trailing newline), UTF-8, in a
// fixed order. Builders here produce the exact bytes a wallet signs; the validators in
// validate.hpp rebuild the same bytes from a JSON input and verify the wallet signature over them.
// Every value that goes into a line is checked first, so no value can contain a line break.
//
// No clock: every time rule takes `now` (unix seconds) from the caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "idos/primitives/result.hpp"
#include "idos/protocol/wallet.hpp"

namespace idos {

// idOS's namespace for access grant ids (UUIDv5 over "<grantee>-<data_id>-<locked_until>").
inline constexpr std::string_view kAccessGrantNamespace = "31276fd4-105f-4ff7-9f64-644942c14b79";

// A DWG may be used from not_usable_before - kDwgClockSkewSeconds (idOS allows for block time lag).
inline constexpr int64_t kDwgClockSkewSeconds = 65;
// Read and signed requests: accepted while issued_at is in [now - max_age, now + skew].
inline constexpr int64_t kRequestMaxAgeSeconds = 300;
inline constexpr int64_t kRequestClockSkewSeconds = 65;

// Largest locked_until (9999-12-31T23:59:59Z), so every lock is also an RFC 3339 time.
inline constexpr int64_t kMaxLockedUntil = 253402300799;
inline constexpr size_t kMaxInserterTypeBytes = 32;
inline constexpr size_t kMaxInserterIdBytes = 128;
inline constexpr size_t kMaxRequestPathBytes = 2048;
inline constexpr size_t kRequestNonceHexChars = 64;

// --- small shared field checks (each names `what` in its error) ---------------------------------
Status check_uuid_field(std::string_view value, std::string_view what);
// 64 lowercase hex characters (a SHA-256 digest, an Ed25519 public key, a nonce).
Status check_hex32_field(std::string_view value, std::string_view what);

// The wallet type a canonical identifier belongs to, from its shape alone: "0x" -> EVM,
// "ed25519:" -> NEAR, 64 hex -> FaceSign, 56 characters starting 'G' -> Stellar, starting 'r' ->
// XRPL. Anything else: unsupported.
Result<WalletType> infer_wallet_type(std::string_view identifier);
// The identifier must be the canonical spelling for its (given or inferred) type.
// Errors: those of canonical_wallet_identifier, or invalid_encoding for a valid but non-canonical
// spelling (e.g. an EIP-55 mixed-case address).
Status check_canonical_wallet_identifier(std::string_view identifier, std::optional<WalletType> type,
                                         std::string_view what);

// An identifier in any spelling canonical_wallet_identifier accepts (e.g. an EIP-55 address, as
// idOS's clients put it in the messages they sign); returns the canonical spelling.
Result<std::string> accepted_wallet_identifier(std::string_view identifier, std::optional<WalletType> type,
                                               std::string_view what);

// --- access grants ------------------------------------------------------------------------------
// idOS's id: UUIDv5(kAccessGrantNamespace, grantee + "-" + data_id + "-" + decimal(locked_until)),
// here always over the canonical grantee, so one grant has one id.
Result<std::string> access_grant_id(std::string_view grantee, std::string_view data_id, int64_t locked_until);
// The id idOS's schema computes: the same UUIDv5 over the grantee exactly as supplied (an EIP-55
// grantee gives another id than its lowercase form). For interop only; the grantee must still be
// an accepted spelling, data_id a UUID and locked_until in range.
Result<std::string> access_grant_id_as_supplied(std::string_view grantee, std::string_view data_id, int64_t locked_until);

struct AccessGrant {
  std::string id;
  std::string owner;        // user id (UUID)
  std::string grantee;      // canonical wallet identifier
  std::string data_id;      // the shared copy's id (UUID)
  int64_t locked_until = 0; // unix seconds, 0 = no lock
  std::string content_hash; // 64 lowercase hex
  std::string inserter_type;
  std::string inserter_id;
};

// Fills in the id and checks every field.
Result<AccessGrant> make_access_grant(std::string_view owner, std::string_view grantee, std::string_view data_id,
                                      int64_t locked_until, std::string_view content_hash,
                                      std::string_view inserter_type, std::string_view inserter_id);
// Field rules and id == access_grant_id(...) (mismatch otherwise).
Status check_access_grant(const AccessGrant& grant);
// Revocation policy: requester must be the owner (forbidden), now > locked_until (locked).
Status check_revocation(const AccessGrant& grant, std::string_view requester_user_id, int64_t now);

// Which text a DAG or DWG message is: idOS's (the default) or this project's first template.
enum class GrantMessageFormat { idos_1, idos_core_1 };
// "idos-1" or "idos-core-1" (UNSUPPORTED otherwise).
Result<GrantMessageFormat> parse_grant_message_format(std::string_view name);

// --- delegated access grant ---------------------------------------------------------------------
struct DelegatedAccessGrant {
  std::string owner;    // owner's wallet identifier (the signer), any accepted spelling
  std::string grantee;  // wallet identifier, any accepted spelling
  std::string data_id;
  int64_t locked_until = 0;
  std::string content_hash;
  GrantMessageFormat format = GrantMessageFormat::idos_1;
};
Status check_delegated_access_grant(const DelegatedAccessGrant& dag);
// idos-1:      "operation: insertAccessGrant\nowner: ..\ngrantee: ..\ndataId: ..\nlockedUntil: ..\ncontentHash: .."
// idos-core-1: "operation: delegatedAccessGrant\nowner: ..\ngrantee: ..\ndata_id: ..\nlocked_until: ..\ncontent_hash: .."
// owner and grantee exactly as given (the bytes the wallet signed).
Result<std::string> dag_message(const DelegatedAccessGrant& dag);

// --- delegated write grant ----------------------------------------------------------------------
struct DelegatedWriteGrant {
  std::string owner;              // owner_wallet_identifier (the signer), any accepted spelling
  std::string grantee;            // grantee_wallet_identifier, any accepted spelling
  std::string issuer_public_key;  // 64 lowercase hex Ed25519
  std::string id;                 // UUID, single use
  std::string access_grant_timelock;  // RFC 3339 UTC
  std::string not_usable_before;      // RFC 3339 UTC
  std::string not_usable_after;       // RFC 3339 UTC
  GrantMessageFormat format = GrantMessageFormat::idos_1;
};
// Field rules and not_usable_before < not_usable_after (invalid_input).
Status check_delegated_write_grant(const DelegatedWriteGrant& dwg);
// idos-1 (idOS's line keys): "operation: delegatedWriteGrant\nowner: ..\nconsumer: ..\n
//   issuer public key: ..\nid: ..\naccess grant timelock: ..\nnot usable before: ..\nnot usable after: .."
// idos-core-1: the same lines keyed grantee, issuer_public_key, access_grant_timelock,
//   not_usable_before, not_usable_after. owner and grantee exactly as given.
Result<std::string> dwg_message(const DelegatedWriteGrant& dwg);
// not_yet_valid when now < not_usable_before - kDwgClockSkewSeconds; expired when now > not_usable_after.
Status check_dwg_usable_at(const DelegatedWriteGrant& dwg, int64_t now);

// --- the grant a delegation creates -------------------------------------------------------------
// A write under a DWG creates one access grant for the shared copy it stored: grantee = the DWG's
// grantee, locked_until = its access_grant_timelock as unix seconds, inserter "issuer" with the
// DWG's issuer_public_key. `owner_user_id` is the user the DWG's owner wallet belongs to.
Result<AccessGrant> access_grant_from_dwg(const DelegatedWriteGrant& dwg, std::string_view owner_user_id,
                                          std::string_view shared_copy_id, std::string_view content_hash);
// A DAG creates the grant it describes, inserter "delegate" with the wallet that submitted it.
Result<AccessGrant> access_grant_from_dag(const DelegatedAccessGrant& dag, std::string_view owner_user_id,
                                          std::string_view submitter_wallet);

// What a grant may point at: only a shared copy (in idOS only copies carry grants; the owner's
// original is encrypted to the owner, so a grantee could never open it), of the grant's owner.
struct GrantTarget {
  std::string id;       // the stored object's id
  std::string role;     // "original" or "copy"
  std::string user_id;  // its owner
};
// mismatch when target.id is not grant.data_id; forbidden when the target is not a shared copy
// or not the grant owner's.
Status check_grant_target(const AccessGrant& grant, const GrantTarget& target);

// --- read request and signed request (this project's formats) ----------------------------------
struct ReadRequest {
  std::string grantee;    // wallet identifier (the signer), any accepted spelling
  std::string data_id;
  std::string nonce;      // 64 lowercase hex (32 random bytes)
  std::string issued_at;  // RFC 3339 UTC
};
Status check_read_request(const ReadRequest& request);
// "operation: readRequest\ngrantee: ..\ndata_id: ..\nnonce: ..\nissued_at: .."
Result<std::string> read_request_message(const ReadRequest& request);

struct SignedRequest {
  std::string caller;       // wallet identifier (the signer), any accepted spelling
  std::string method;       // GET, POST, PUT, PATCH or DELETE
  std::string path;         // "/..." printable ASCII without spaces, query included
  std::string body_sha256;  // 64 lowercase hex SHA-256 of the body bytes (of "" when none)
  std::string nonce;
  std::string issued_at;
};
Status check_signed_request(const SignedRequest& request);
// "operation: signedRequest\ncaller: ..\nmethod: ..\npath: ..\nbody_sha256: ..\nnonce: ..\nissued_at: .."
Result<std::string> signed_request_message(const SignedRequest& request);

// expired when issued_at < now - kRequestMaxAgeSeconds; not_yet_valid when issued_at > now + skew.
Status check_request_freshness(std::string_view issued_at, int64_t now);

}  // namespace idos

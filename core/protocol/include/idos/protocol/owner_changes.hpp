// Changes an owner makes to what they stored (docs/spec/owner-changes.md): edit a credential,
// change the encryption key (every original re-encrypted at once), remove a wallet.
//
// The node looks up its state (the stored record's role and owner, the latest timelock among the
// grants on copies of an original, the user's originals, the user's wallets) and passes it in; the
// rules are here, so the node (through the plugin) and a browser (through the module) reach the
// same verdict. Pure: `now` is the entry's log time from the caller.
//
// Sources: idOS's idos-schema `schema.sql`: `edit_credential` (copies cannot be edited; the record's
// signatures are re-checked under the issuer_auth_public_key the edit carries, which may differ
// from the stored one), `remove_wallet` (a wallet cannot remove the wallet the caller is connected
// with, so the caller's own wallet always remains), `update_user_pub_key_as_inserter` (the user's
// encryption key is replaced). The timelock rule on edits and the all-at-once key change are ours
// (issue 16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "idos/primitives/result.hpp"

namespace idos {

// A stored credential as the node knows it: its id, "original" or "copy", and its owner.
struct StoredCredentialRef {
  std::string id;
  std::string role;
  std::string user_id;
};

// edit_credential: `requester` (the caller's user id) replaces the stored record `current` with a
// record whose id is `new_id` and user_id is `new_user_id` (the record itself is checked as any
// credential before this). `copies_locked_until`: the latest locked_until among the unrevoked
// grants on shared copies made from `current` (0 when none).
// MISMATCH: another id, or another user_id than the stored one; FORBIDDEN: another user's record,
// or a shared copy; LOCKED: now <= copies_locked_until (the revocation rule's comparison).
Status check_credential_edit(std::string_view requester, const StoredCredentialRef& current, std::string_view new_id,
                             std::string_view new_user_id, int64_t copies_locked_until, int64_t now);

// change_encryption_key: the records submitted must replace exactly the user's current originals.
inline constexpr size_t kMaxKeyChangeCredentials = 256;
// The whole change_encryption_key document (48 MiB): above a node's default body limit (32 MiB,
// --max-body) with room for the originals list; the node's edge and its log bound it first.
inline constexpr size_t kMaxKeyChangeDocumentBytes = 48u << 20;
struct KeyChangeRecord {
  std::string id;
  std::string user_id;
};
// `encryption_public_key`: the new X25519 key (base64, 32 bytes; required). `records`: the
// re-encrypted records (each already checked as a credential), `originals`: the ids of the user's
// originals in the node's state. TOO_LARGE: over kMaxKeyChangeCredentials of either;
// FORBIDDEN: a record of another user; INVALID_INPUT: an id twice; MISMATCH: a record that is not
// one of the user's originals (a copy, another user's, unknown), or an original left out.
Status check_encryption_key_change(std::string_view requester, std::string_view encryption_public_key,
                                   const std::vector<KeyChangeRecord>& records,
                                   const std::vector<std::string>& originals);

// remove_wallet: `caller_wallet` (canonical, registered to `requester`) removes `wallet_identifier`
// (canonical, registered to `wallet_user_id`); the user has `wallet_count` wallets.
// FORBIDDEN: another user's wallet; the calling wallet itself (idOS's remove_wallet); the user's
// last wallet.
Status check_wallet_removal(std::string_view requester, std::string_view caller_wallet,
                            std::string_view wallet_identifier, std::string_view wallet_user_id, int64_t wallet_count);

}  // namespace idos

// Edit a credential, change the encryption key, remove a wallet (see owner_changes.hpp,
// docs/spec/owner-changes.md).
#include "idos/protocol/owner_changes.hpp"

#include <algorithm>

#include "idos/protocol/account.hpp"
#include "idos/protocol/grant.hpp"
#include "message_fields.hpp"

namespace idos {

using namespace detail;

namespace {
// The largest wallet count a node can pass (far above any real user; keeps the input bounded).
constexpr int64_t kMaxWalletCount = 1000000;
}  // namespace

Status check_credential_edit(std::string_view requester, const StoredCredentialRef& current, std::string_view new_id,
                             std::string_view new_user_id, int64_t copies_locked_until, int64_t now) {
  IDOS_CHECK(check_uuid_field(requester, "requester"));
  IDOS_CHECK(check_uuid_field(current.id, "current.id"));
  IDOS_CHECK(check_uuid_field(current.user_id, "current.user_id"));
  IDOS_CHECK(check_locked_until(copies_locked_until));
  if (new_id != current.id) return make_error(ErrorCode::mismatch, "the edited record's id is not the stored record's");
  if (current.user_id != requester) return make_error(ErrorCode::forbidden, "only the credential's owner may edit it");
  // idOS edit_credential: "can not edit shared credential". Exact spelling, as grant_target.
  if (current.role != "original") return make_error(ErrorCode::forbidden, "a shared copy cannot be edited");
  if (new_user_id != current.user_id) return make_error(ErrorCode::mismatch, "an edit cannot change the record's user_id");
  if (!(now > copies_locked_until)) {
    return make_error(ErrorCode::locked,
                      "a shared copy of this credential has a grant locked until " + std::to_string(copies_locked_until));
  }
  return ok_status();
}

Status check_encryption_key_change(std::string_view requester, std::string_view encryption_public_key,
                                   const std::vector<KeyChangeRecord>& records,
                                   const std::vector<std::string>& originals) {
  IDOS_CHECK(check_uuid_field(requester, "requester"));
  if (encryption_public_key.empty()) {
    return make_error(ErrorCode::invalid_input, "encryption_public_key: a key change needs the new key");
  }
  IDOS_CHECK(check_user_record(requester, encryption_public_key));
  if (records.size() > kMaxKeyChangeCredentials || originals.size() > kMaxKeyChangeCredentials) {
    return make_error(ErrorCode::too_large, "a key change carries at most 256 credentials");
  }
  for (const auto& id : originals) IDOS_CHECK(check_uuid_field(id, "originals[]"));
  std::vector<std::string> seen;
  seen.reserve(records.size());
  for (const auto& r : records) {
    if (r.user_id != requester) return make_error(ErrorCode::forbidden, "credential " + r.id + " is another user's");
    if (std::find(seen.begin(), seen.end(), r.id) != seen.end()) {
      return make_error(ErrorCode::invalid_input, "credential " + r.id + " is given twice");
    }
    if (std::find(originals.begin(), originals.end(), r.id) == originals.end()) {
      return make_error(ErrorCode::mismatch, "credential " + r.id + " is not one of the user's originals");
    }
    seen.push_back(r.id);
  }
  // Every record is a distinct original: the sets are equal exactly when no original is left out.
  for (const auto& id : originals) {
    if (std::find(seen.begin(), seen.end(), id) == seen.end()) {
      return make_error(ErrorCode::mismatch, "original " + id + " is missing: every original must be re-encrypted");
    }
  }
  return ok_status();
}

Status check_wallet_removal(std::string_view requester, std::string_view caller_wallet,
                            std::string_view wallet_identifier, std::string_view wallet_user_id, int64_t wallet_count) {
  IDOS_CHECK(check_uuid_field(requester, "requester"));
  IDOS_CHECK(check_canonical_wallet_identifier(caller_wallet, std::nullopt, "caller_wallet"));
  IDOS_CHECK(check_canonical_wallet_identifier(wallet_identifier, std::nullopt, "wallet.wallet_identifier"));
  IDOS_CHECK(check_uuid_field(wallet_user_id, "wallet.user_id"));
  if (wallet_count < 0 || wallet_count > kMaxWalletCount) {
    return make_error(ErrorCode::invalid_input, "wallet_count: 0..1000000");
  }
  if (wallet_user_id != requester) return make_error(ErrorCode::forbidden, "the wallet is not registered to the caller's user");
  // idOS remove_wallet: "You can not delete a wallet you are connected with."
  if (wallet_identifier == caller_wallet) {
    return make_error(ErrorCode::forbidden, "a wallet cannot remove itself: sign with another wallet of the user");
  }
  if (wallet_count < 2) return make_error(ErrorCode::forbidden, "the user's last wallet cannot be removed");
  return ok_status();
}

}  // namespace idos

// Users and add-wallet proofs (see account.hpp, docs/spec/accounts.md).
#include "idos/protocol/account.hpp"

#include "idos/primitives/encoding.hpp"
#include "idos/protocol/grant.hpp"
#include "idos/protocol/wallet.hpp"
#include "message_fields.hpp"

namespace idos {

using namespace detail;

namespace {
constexpr size_t kMaxEncryptionKeyChars = 64;
}  // namespace

Status check_user_record(std::string_view user_id, std::string_view encryption_public_key) {
  IDOS_CHECK(check_uuid_field(user_id, "user_id"));
  if (encryption_public_key.empty()) return ok_status();
  auto key = base64_decode(encryption_public_key, kMaxEncryptionKeyChars);
  if (!key) return make_error(key.code(), prefixed("encryption_public_key", key.error().message));
  if (key->size() != 32) return make_error(ErrorCode::invalid_length, "encryption_public_key: not 32 bytes");
  return ok_status();
}

Status check_add_wallet_proof(const AddWalletProof& p) {
  IDOS_CHECK(check_uuid_field(p.user_id, "user_id"));
  IDOS_TRY(WalletType type, parse_wallet_type(p.wallet_type));
  IDOS_CHECK(check_canonical_wallet_identifier(p.wallet, type, "wallet_identifier"));
  IDOS_CHECK(check_time_field(p.issued_at, "issued_at"));
  return ok_status();
}

Result<std::string> add_wallet_message(const AddWalletProof& p) {
  IDOS_CHECK(check_add_wallet_proof(p));
  return join_lines({{"operation", "addWallet"},
                     {"user_id", p.user_id},
                     {"wallet_type", p.wallet_type},
                     {"wallet", p.wallet},
                     {"issued_at", p.issued_at}});
}

}  // namespace idos

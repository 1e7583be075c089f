// Users and their wallets (docs/spec/accounts.md): the user record a node stores, and the
// add-wallet proof with which a registered user attaches another wallet.
//
//   add-wallet message: "operation: addWallet\nuser_id: ..\nwallet_type: ..\nwallet: ..\nissued_at: .."
//   (LF-separated, no trailing LF), signed by the NEW wallet, so the user proves they hold it. The
//   proof is fresh under the same window as a signed request (grant.hpp, check_request_freshness).
//
// No clock: every time rule takes `now` (unix seconds) from the caller.
#pragma once

#include <string>
#include <string_view>

#include "idos/primitives/result.hpp"

namespace idos {

// A user record: id is a canonical lowercase UUID; encryption_public_key is "" (not set yet) or
// standard padded base64 of a 32-byte X25519 public key.
Status check_user_record(std::string_view user_id, std::string_view encryption_public_key);

struct AddWalletProof {
  std::string user_id;      // the user the wallet joins (UUID)
  std::string wallet_type;  // "EVM", "NEAR", "Stellar", "XRPL", "FaceSign"
  std::string wallet;       // the new wallet's canonical identifier
  std::string issued_at;    // RFC 3339 UTC
};
// Field rules (UUID, known type, canonical identifier for that type, RFC 3339 time).
Status check_add_wallet_proof(const AddWalletProof& proof);
// The exact bytes the new wallet signs.
Result<std::string> add_wallet_message(const AddWalletProof& proof);

}  // namespace idos

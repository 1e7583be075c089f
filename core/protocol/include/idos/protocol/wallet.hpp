// Wallet identifiers and wallet signatures: one verifier for the browser module and the node.
//
// Each wallet type has exactly one canonical identifier spelling (docs/wallets.md):
//   EVM       "0x" + 40 lowercase hex. Input may be all-lowercase, all-uppercase or EIP-55 mixed
//             case; mixed case with a wrong checksum is CHECKSUM_MISMATCH, never silently lowercased.
//   NEAR      "ed25519:" + canonical base58 of the 32-byte public key.
//   Stellar   the "G..." StrKey (base32, version byte, CRC16 checked).
//   XRPL      the classic "r..." address (Ripple base58, checksum checked).
//   FaceSign  64 lowercase hex: an Ed25519 public key.
//
// Signature schemes (verify_wallet_signature):
//   EVM       EIP-191 personal_sign: keccak256("\x19Ethereum Signed Message:\n" + decimal byte
//             length + message), secp256k1 public-key recovery, address = last 20 bytes of
//             keccak256(uncompressed key). Signature "0x" + 130 lowercase hex r||s||v (the "0x" may be
//             omitted), v in {27, 28} or {0, 1}; high-S, r or s zero or >= n: INVALID_SIGNATURE.
//   NEAR      NEP-413: SHA-256(u32le(2^31 + 413) || borsh{message, nonce[32], recipient,
//             callbackUrl: Option<string>}), Ed25519 over the 32-byte hash with the identifier's key.
//             Signature: padded standard base64 of 64 bytes; nonce: 64 lowercase hex; recipient
//             required.
//   Stellar, FaceSign, XRPL: Ed25519 over the raw UTF-8 message; signature 128 lowercase hex.
//             XRPL also takes the wallet's public key ("ED" + 64 uppercase hex, as XRPL writes it),
//             which must derive the identifier's address (MISMATCH otherwise).
// A signature that verifies gives ok; a well-formed one that does not gives VERIFY_FAILED; a
// malformed input gives its own code (INVALID_SIGNATURE, CHECKSUM_MISMATCH, ...).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"
#include "idos/primitives/secret.hpp"
#include "idos/primitives/sign.hpp"

namespace idos {

enum class WalletType { evm, near, stellar, xrpl, facesign };
// The name of each WalletType, in enum order: the one list (the JS package's WALLET_TYPES is read
// from it through the module).
inline constexpr std::array<std::string_view, 5> kWalletTypeNames = {"EVM", "NEAR", "Stellar", "XRPL", "FaceSign"};
static_assert(kWalletTypeNames.size() == static_cast<size_t>(WalletType::facesign) + 1);

// "EVM", "NEAR", "Stellar", "XRPL", "FaceSign" (exact spelling); anything else is UNSUPPORTED.
Result<WalletType> parse_wallet_type(std::string_view name);
std::string_view wallet_type_name(WalletType type);

// Longest message any wallet type verifies (bytes of UTF-8).
inline constexpr size_t kMaxWalletMessageBytes = 64 * 1024;
inline constexpr size_t kMaxWalletIdentifierChars = 128;

Result<std::string> canonical_wallet_identifier(WalletType type, std::string_view identifier);
Result<std::string> canonical_wallet_identifier(std::string_view type, std::string_view identifier);

struct WalletSignatureRequest {
  std::string_view type;
  std::string_view identifier;
  std::optional<std::string_view> public_key;   // XRPL only
  std::string_view message;                     // UTF-8
  std::string_view signature;
  std::optional<std::string_view> nonce;        // NEAR only: 64 lowercase hex
  std::optional<std::string_view> recipient;    // NEAR only
  std::optional<std::string_view> callback_url; // NEAR only, optional
  // Which of the type's signature schemes (docs/wallets.md "Schemes"); absent: the type's default.
  //   NEAR     "nep413" (base64 signature + nonce + recipient) or "nep413-packed" (idOS's hex
  //            packing); absent: "nep413" when a nonce is given, else "nep413-packed".
  //   Stellar  "raw" or "sep53"; absent: raw, then SEP-53 if raw does not verify.
  //   others   only their one scheme, spelled "eip191" (EVM), "raw" (XRPL, FaceSign).
  std::optional<std::string_view> scheme;
  // NEAR recipient policy: the NEP-413 recipient the signature must name (MISMATCH otherwise).
  // Absent: kIdosNearRecipient for the packed form (idOS's signer default and its current
  // verifier), no check for the separate form (the caller supplies the recipient). "*": any.
  std::optional<std::string_view> expected_recipient;
};

// ok, or verify_failed for a well-formed signature that does not verify, or the malformed-input
// code. Every scheme above, including idOS's wire forms: XRPL Ed25519 and secp256k1 keys with
// signature hex in either case, NEAR packed NEP-413, Stellar SEP-53 (docs/wallets.md).
Status verify_wallet_signature(const WalletSignatureRequest& request);

// idOS's NEAR wallets sign NEP-413 messages for this recipient by default.
inline constexpr std::string_view kIdosNearRecipient = "idos.network";

// SEP-53 (Stellar signed messages): SHA-256("Stellar Signed Message:\n" || message).
Result<std::array<uint8_t, 32>> sep53_hash(std::string_view message);
// XRPL's SHA-512Half: the first 32 bytes of SHA-512(data) (what XRPL secp256k1 keys sign).
std::array<uint8_t, 32> sha512_half(ByteView data);

// --- EVM helpers --------------------------------------------------------------------------------
// keccak256 of the EIP-191 personal_sign envelope of `message`.
std::array<uint8_t, 32> eip191_hash(ByteView message);
// EIP-55 checksummed spelling of a 20-byte address.
std::string evm_checksum_address(const std::array<uint8_t, 20>& address);

// Plain ECDSA verification over a 32-byte digest with a known public key (33 or 65 bytes SEC1),
// with the same strictness as EVM recovery: compact r||s, r and s in [1, n), low-S only.
// ok, or verify_failed for a well-formed signature that does not verify.
Status secp256k1_ecdsa_verify(ByteView digest32, ByteView compact_signature64, ByteView public_key);

// A secp256k1 key the module itself holds (issuers, embedded wallets, tests).
struct Secp256k1KeyPair {
  Secret secret_key;                    // 32 bytes
  std::array<uint8_t, 65> public_key{}; // uncompressed, 0x04 || x || y
  std::string address;                  // canonical "0x" + 40 lowercase hex
};
Result<Secp256k1KeyPair> secp256k1_generate();
Result<Secp256k1KeyPair> secp256k1_from_secret(ByteView secret_key);
// EIP-191 personal_sign: RFC 6979 deterministic nonce, low-S; "0x" + 130 hex with v in {27, 28}.
Result<std::string> evm_personal_sign(ByteView message, const Secp256k1KeyPair& key);

// --- Ed25519 wallet types ----------------------------------------------------------------------
// The canonical identifier of an Ed25519 public key for NEAR, Stellar, XRPL or FaceSign.
Result<std::string> wallet_identifier_from_ed25519(WalletType type, const Ed25519PublicKey& public_key);
// "ED" + 64 uppercase hex: the XRPL spelling of an Ed25519 public key.
std::string xrpl_public_key_text(const Ed25519PublicKey& public_key);
// The 32-byte SHA-256 that a NEP-413 signature signs.
Result<std::array<uint8_t, 32>> nep413_hash(std::string_view message, ByteView nonce32, std::string_view recipient,
                                            std::optional<std::string_view> callback_url);
// Signs `message` the way `type`'s wallets do: NEAR (NEP-413, needs nonce + recipient) returns
// base64; Stellar, XRPL and FaceSign return 128 lowercase hex.
Result<std::string> ed25519_wallet_sign(WalletType type, std::string_view message, const Ed25519KeyPair& key,
                                        std::optional<ByteView> nonce32 = std::nullopt,
                                        std::optional<std::string_view> recipient = std::nullopt,
                                        std::optional<std::string_view> callback_url = std::nullopt);

}  // namespace idos

#include "idos/protocol/wallet.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "idos/primitives/base58.hpp"
#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/init.hpp"
#include "idos/primitives/keccak.hpp"
#include "idos/primitives/strkey.hpp"
#include "idos/primitives/xrpl_address.hpp"

namespace idos {
namespace {

constexpr std::string_view kNearPrefix = "ed25519:";
constexpr uint32_t kNep413Tag = 2147484061u;  // 2^31 + 413
constexpr size_t kMaxNearRecipientBytes = 1024;
constexpr size_t kMaxSignatureText = 256;

// secp256k1 group order n and n/2, big-endian (SEC 2, section 2.4.1).
constexpr std::array<uint8_t, 32> kSecp256k1Order = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
constexpr std::array<uint8_t, 32> kSecp256k1HalfOrder = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

// Big-endian comparison of a 32-byte scalar with a constant (public values: no need for constant time).
int compare_be(const uint8_t* a, const std::array<uint8_t, 32>& b) { return std::memcmp(a, b.data(), 32); }
bool is_zero(const uint8_t* a) {
  return std::all_of(a, a + 32, [](uint8_t x) { return x == 0; });
}

Status check_message(std::string_view message) {
  if (message.size() > kMaxWalletMessageBytes) return make_error(ErrorCode::too_large, "message is over 64 KiB");
  return check_utf8(message, "message");
}

// --- identifiers --------------------------------------------------------------------------------

Result<std::array<uint8_t, 20>> parse_evm_address(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || text[1] != 'x') {
    return make_error(ErrorCode::invalid_encoding, "EVM address must start with 0x");
  }
  std::string_view hex = text.substr(2);
  if (hex.size() != 40) return make_error(ErrorCode::invalid_length, "EVM address must be 0x + 40 hex digits");
  bool has_lower = false, has_upper = false;
  std::string lower(hex);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') {
      has_upper = true;
      c = static_cast<char>(c - 'A' + 'a');
    } else if (c >= 'a' && c <= 'f') {
      has_lower = true;
    } else if (!(c >= '0' && c <= '9')) {
      return make_error(ErrorCode::invalid_encoding, "EVM address has a non-hex character");
    }
  }
  IDOS_TRY(Bytes raw, hex_decode(lower));
  std::array<uint8_t, 20> address{};
  std::copy(raw.begin(), raw.end(), address.begin());
  if (has_lower && has_upper && evm_checksum_address(address) != text) {
    return make_error(ErrorCode::checksum_mismatch, "EVM address has mixed case but a wrong EIP-55 checksum");
  }
  return address;
}

Result<Ed25519PublicKey> parse_near_key(std::string_view text) {
  std::string_view b58 = text.starts_with(kNearPrefix) ? text.substr(kNearPrefix.size()) : text;
  if (b58.empty() || b58.size() > 64) return make_error(ErrorCode::invalid_length, "NEAR key must be ed25519:<base58 of 32 bytes>");
  IDOS_TRY(Bytes raw, base58_decode(b58, Base58Alphabet::bitcoin));
  if (raw.size() != kEd25519PublicKeySize) return make_error(ErrorCode::invalid_length, "NEAR key must be 32 bytes");
  Ed25519PublicKey key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  return key;
}

Result<Ed25519PublicKey> parse_facesign_key(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  IDOS_TRY(Bytes raw, hex_decode_exact(lower, kEd25519PublicKeySize));
  Ed25519PublicKey key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  return key;
}

Result<Ed25519PublicKey> ed25519_key_of_identifier(WalletType type, std::string_view identifier) {
  switch (type) {
    case WalletType::near: return parse_near_key(identifier);
    case WalletType::stellar: return strkey_decode_ed25519_public_key(identifier);
    case WalletType::facesign: return parse_facesign_key(identifier);
    default: return make_error(ErrorCode::unsupported, "identifier carries no Ed25519 key");
  }
}

// Signatures of the Ed25519 wallet types other than NEAR: 128 lowercase hex.
Result<Bytes> parse_hex_signature(std::string_view text) {
  if (text.size() > kMaxSignatureText) return make_error(ErrorCode::invalid_signature, "signature is too long");
  IDOS_TRY(Bytes sig, hex_decode(text));
  if (sig.size() != kEd25519SignatureSize) return make_error(ErrorCode::invalid_signature, "Ed25519 signature must be 64 bytes");
  return sig;
}

void put_u32le(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_borsh_string(Bytes& out, std::string_view s) {
  put_u32le(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// Range and malleability rules shared by EVM recovery and plain ECDSA verification.
Status check_compact_rs(const uint8_t* r, const uint8_t* s) {
  if (is_zero(r) || compare_be(r, kSecp256k1Order) >= 0) return make_error(ErrorCode::invalid_signature, "r is zero or not below the group order");
  if (is_zero(s) || compare_be(s, kSecp256k1Order) >= 0) return make_error(ErrorCode::invalid_signature, "s is zero or not below the group order");
  if (compare_be(s, kSecp256k1HalfOrder) > 0) return make_error(ErrorCode::invalid_signature, "high-S signature (malleable) refused");
  return ok_status();
}

Error wallet_signature_does_not_verify() {
  return make_error(ErrorCode::verify_failed, "the wallet signature does not verify");
}

// The Ed25519 verdict in the words of a wallet signature (same code, the caller's subject).
Status as_wallet_verdict(Status verdict) {
  if (verdict.code() == ErrorCode::verify_failed) return wallet_signature_does_not_verify();
  return verdict;
}

Status verify_evm(const WalletSignatureRequest& req) {
  IDOS_TRY(auto address, parse_evm_address(req.identifier));
  IDOS_CHECK(check_message(req.message));
  std::string_view text = req.signature;
  if (text.size() > kMaxSignatureText) return make_error(ErrorCode::invalid_signature, "signature is too long");
  if (text.starts_with("0x")) text.remove_prefix(2);
  IDOS_TRY(Bytes sig, hex_decode(text));
  if (sig.size() != 65) return make_error(ErrorCode::invalid_signature, "EVM signature must be 65 bytes r||s||v");
  const uint8_t* r = sig.data();
  const uint8_t* s = sig.data() + 32;
  uint8_t v = sig[64];
  IDOS_CHECK(check_compact_rs(r, s));
  int recid;
  if (v == 27 || v == 28) {
    recid = v - 27;
  } else if (v == 0 || v == 1) {
    recid = v;
  } else {
    return make_error(ErrorCode::invalid_signature, "v must be 27, 28, 0 or 1");
  }
  // Verification needs no precomputation context: the static one is enough (libsecp256k1 >= 0.2).
  const secp256k1_context* ctx = secp256k1_context_static;
  secp256k1_ecdsa_recoverable_signature rsig;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, sig.data(), recid)) {
    return make_error(ErrorCode::invalid_signature, "signature does not parse");
  }
  auto digest = eip191_hash(as_bytes(req.message));
  secp256k1_pubkey pubkey;
  // No recovered key (r is no curve point) or another address: well-formed, does not verify.
  if (!secp256k1_ecdsa_recover(ctx, &pubkey, &rsig, digest.data())) return wallet_signature_does_not_verify();
  uint8_t uncompressed[65];
  size_t len = sizeof uncompressed;
  secp256k1_ec_pubkey_serialize(ctx, uncompressed, &len, &pubkey, SECP256K1_EC_UNCOMPRESSED);
  auto hash = keccak256_digest(ByteView(uncompressed + 1, 64));
  if (!std::equal(address.begin(), address.end(), hash.begin() + 12)) return wallet_signature_does_not_verify();
  return ok_status();
}

Status verify_near(const WalletSignatureRequest& req) {
  IDOS_TRY(Ed25519PublicKey key, parse_near_key(req.identifier));
  IDOS_CHECK(check_message(req.message));
  if (!req.nonce) return make_error(ErrorCode::invalid_input, "NEP-413 needs a nonce (64 hex digits)");
  if (!req.recipient) return make_error(ErrorCode::invalid_input, "NEP-413 needs a recipient");
  IDOS_TRY(Bytes nonce, hex_decode_exact(*req.nonce, 32));
  if (req.signature.size() > kMaxSignatureText) return make_error(ErrorCode::invalid_signature, "signature is too long");
  IDOS_TRY(Bytes sig, base64_decode(req.signature));
  if (sig.size() != kEd25519SignatureSize) return make_error(ErrorCode::invalid_signature, "Ed25519 signature must be 64 bytes");
  IDOS_TRY(auto hash, nep413_hash(req.message, nonce, *req.recipient, req.callback_url));
  return as_wallet_verdict(ed25519_verify(hash, sig, key));
}

// Stellar (raw) and FaceSign: Ed25519 over the message with the identifier's key. XRPL, whose key
// comes beside the identifier, is check_xrpl.
Status verify_ed25519_raw(WalletType type, const WalletSignatureRequest& req) {
  IDOS_TRY(Ed25519PublicKey key, ed25519_key_of_identifier(type, req.identifier));
  IDOS_CHECK(check_message(req.message));
  IDOS_TRY(Bytes sig, parse_hex_signature(req.signature));
  return as_wallet_verdict(ed25519_verify(as_bytes(req.message), sig, key));
}

// --- idOS's wire forms (all return one status) ---------------------------------------------------

// Hex in either case (ripple-keypairs writes uppercase, Buffer.toString("hex") lowercase).
Result<Bytes> decode_hex_any_case(std::string_view text, std::string_view what) {
  if (text.size() > kMaxSignatureText * 2) return make_error(ErrorCode::invalid_signature, std::string(what) + " is too long");
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  auto raw = hex_decode(lower);
  if (!raw) return make_error(ErrorCode::invalid_encoding, std::string(what) + " must be hex");
  return std::move(*raw);
}

// Strict DER (X.690 DER as BIP 66 restricts it): 0x30 len 0x02 rlen r 0x02 slen s, no trailing
// bytes, positive minimal integers of at most 32 significant bytes. Returns r||s, 64 bytes.
Result<std::array<uint8_t, 64>> parse_strict_der_signature(ByteView der) {
  auto bad = [](const char* why) { return make_error(ErrorCode::invalid_signature, std::string("DER signature: ") + why); };
  if (der.size() < 8 || der.size() > 72) return bad("wrong length");
  if (der[0] != 0x30) return bad("not a SEQUENCE");
  if (der[1] != der.size() - 2) return bad("SEQUENCE length does not match");
  std::array<uint8_t, 64> out{};
  size_t pos = 2;
  for (int part = 0; part < 2; ++part) {
    if (pos + 2 > der.size() || der[pos] != 0x02) return bad("expected an INTEGER");
    const size_t len = der[pos + 1];
    pos += 2;
    if (len == 0 || pos + len > der.size()) return bad("INTEGER length out of range");
    const uint8_t* v = der.data() + pos;
    if (v[0] & 0x80) return bad("negative INTEGER");
    if (len > 1 && v[0] == 0 && !(v[1] & 0x80)) return bad("INTEGER not minimally encoded");
    size_t skip = (v[0] == 0 && len > 1) ? 1 : 0;
    if (len - skip > 32) return bad("INTEGER over 32 bytes");
    std::copy(v + skip, v + len, out.begin() + part * 32 + (32 - (len - skip)));
    pos += len;
  }
  if (pos != der.size()) return bad("trailing bytes");
  return out;
}

// XRPL as ripple-keypairs verify(hex(utf8(message)), signature, publicKey): a 33-byte key, 0xED +
// Ed25519 (Ed25519 over the message) or a compressed secp256k1 point (DER ECDSA over SHA-512Half
// of the message, low-S). Key and signature hex in either case.
Status check_xrpl(const WalletSignatureRequest& req) {
  IDOS_TRY(auto account, xrpl_decode_classic_address(req.identifier));
  if (!req.public_key) return make_error(ErrorCode::invalid_input, "XRPL needs the wallet's public key (66 hex digits)");
  if (req.public_key->size() != 66) return make_error(ErrorCode::invalid_length, "XRPL public key must be 66 hex digits (33 bytes)");
  IDOS_TRY(Bytes key, decode_hex_any_case(*req.public_key, "XRPL public key"));
  if (key[0] != kXrplEd25519KeyPrefix && key[0] != 0x02 && key[0] != 0x03) {
    return make_error(ErrorCode::unsupported, "XRPL public key must be ED + Ed25519 or a compressed secp256k1 point");
  }
  IDOS_TRY(auto key_account, xrpl_account_id_from_public_key(key));
  if (key_account != account) {
    return make_error(ErrorCode::mismatch, "the XRPL public key does not derive the identifier's address");
  }
  IDOS_CHECK(check_message(req.message));
  if (req.signature.size() > kMaxSignatureText) return make_error(ErrorCode::invalid_signature, "signature is too long");
  auto sig = decode_hex_any_case(req.signature, "signature");
  if (!sig) return make_error(ErrorCode::invalid_signature, "XRPL signature must be hex");
  if (key[0] == kXrplEd25519KeyPrefix) {
    if (sig->size() != kEd25519SignatureSize) return make_error(ErrorCode::invalid_signature, "Ed25519 signature must be 64 bytes");
    return as_wallet_verdict(ed25519_verify(as_bytes(req.message), *sig, ByteView(key.data() + 1, 32)));
  }
  IDOS_TRY(auto compact, parse_strict_der_signature(*sig));
  auto digest = sha512_half(as_bytes(req.message));
  return as_wallet_verdict(secp256k1_ecdsa_verify(digest, compact, key));
}

// Reads a borsh string (u32 little-endian length, bytes) at `pos`.
Result<std::string_view> read_borsh_string(ByteView data, size_t& pos) {
  if (pos + 4 > data.size()) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: truncated string length");
  const uint32_t len = uint32_t(data[pos]) | uint32_t(data[pos + 1]) << 8 | uint32_t(data[pos + 2]) << 16 |
                       uint32_t(data[pos + 3]) << 24;
  pos += 4;
  if (len > data.size() - pos) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: string runs past the end");
  std::string_view s(reinterpret_cast<const char*>(data.data() + pos), len);
  pos += len;
  return s;
}

// idOS's packed NEAR signature: hex(u16be(payload length) || borsh NEP-413 payload || signature[64]).
// The payload must carry the tag and the very message verified (MISMATCH otherwise); its nonce,
// recipient and callback URL are the ones signed. Recipient policy: see expected_recipient.
Status check_near_packed(const WalletSignatureRequest& req) {
  IDOS_TRY(Ed25519PublicKey key, parse_near_key(req.identifier));
  IDOS_CHECK(check_message(req.message));
  if (req.nonce || req.recipient || req.callback_url) {
    return make_error(ErrorCode::invalid_input, "a packed NEAR signature carries its own nonce, recipient and callback URL");
  }
  if (req.signature.size() > 2 * (2 + 4 + 4 + kMaxWalletMessageBytes + 32 + 4 + 2 * kMaxNearRecipientBytes + 5 + 64)) {
    return make_error(ErrorCode::invalid_signature, "packed signature is too long");
  }
  std::string lower(req.signature);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  auto packed = hex_decode(lower, lower.size());
  if (!packed) return make_error(ErrorCode::invalid_signature, "packed NEAR signature must be hex");
  const Bytes& p = *packed;
  if (p.size() < 2) return make_error(ErrorCode::invalid_signature, "packed NEAR signature is too short");
  const size_t payload_len = size_t(p[0]) << 8 | p[1];
  if (p.size() != 2 + payload_len + kEd25519SignatureSize) {
    return make_error(ErrorCode::invalid_signature, "packed NEAR signature: length prefix + payload + 64-byte signature do not add up");
  }
  ByteView payload(p.data() + 2, payload_len);
  ByteView sig(p.data() + 2 + payload_len, kEd25519SignatureSize);
  size_t pos = 0;
  if (payload.size() < 4) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: no tag");
  const uint32_t tag = uint32_t(payload[0]) | uint32_t(payload[1]) << 8 | uint32_t(payload[2]) << 16 | uint32_t(payload[3]) << 24;
  if (tag != kNep413Tag) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: wrong tag");
  pos = 4;
  IDOS_TRY(std::string_view signed_message, read_borsh_string(payload, pos));
  if (pos + 32 > payload.size()) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: truncated nonce");
  ByteView nonce(payload.data() + pos, 32);
  pos += 32;
  IDOS_TRY(std::string_view recipient, read_borsh_string(payload, pos));
  if (pos >= payload.size()) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: no callbackUrl option");
  std::optional<std::string_view> callback;
  const uint8_t option = payload[pos++];
  if (option == 1) {
    IDOS_TRY(callback, read_borsh_string(payload, pos));
  } else if (option != 0) {
    return make_error(ErrorCode::invalid_signature, "NEP-413 payload: callbackUrl option byte must be 0 or 1");
  }
  if (pos != payload.size()) return make_error(ErrorCode::invalid_signature, "NEP-413 payload: trailing bytes");
  if (signed_message != req.message) return make_error(ErrorCode::mismatch, "the packed NEP-413 payload carries another message");
  const std::string_view policy = req.expected_recipient ? *req.expected_recipient : kIdosNearRecipient;
  if (policy != "*" && recipient != policy) {
    return make_error(ErrorCode::mismatch, "the NEP-413 recipient is not " + std::string(policy));
  }
  IDOS_TRY(auto hash, nep413_hash(req.message, nonce, recipient, callback));
  return as_wallet_verdict(ed25519_verify(hash, sig, key));
}

Status check_near(const WalletSignatureRequest& req) {
  std::string_view scheme = req.scheme ? *req.scheme : (req.nonce ? "nep413" : "nep413-packed");
  if (scheme == "nep413-packed") return check_near_packed(req);
  if (scheme != "nep413") return make_error(ErrorCode::unsupported, "NEAR schemes: nep413, nep413-packed");
  if (req.expected_recipient && *req.expected_recipient != "*" && req.recipient && *req.recipient != *req.expected_recipient) {
    return make_error(ErrorCode::mismatch, "the NEP-413 recipient is not " + std::string(*req.expected_recipient));
  }
  return verify_near(req);
}

Status check_stellar_sep53(const WalletSignatureRequest& req) {
  IDOS_TRY(Ed25519PublicKey key, strkey_decode_ed25519_public_key(req.identifier));
  IDOS_CHECK(check_message(req.message));
  IDOS_TRY(Bytes sig, parse_hex_signature(req.signature));
  IDOS_TRY(auto hash, sep53_hash(req.message));
  return as_wallet_verdict(ed25519_verify(hash, sig, key));
}

Status check_stellar(const WalletSignatureRequest& req) {
  if (req.scheme && *req.scheme == "sep53") return check_stellar_sep53(req);
  if (req.scheme && *req.scheme != "raw") return make_error(ErrorCode::unsupported, "Stellar schemes: raw, sep53");
  Status raw = verify_ed25519_raw(WalletType::stellar, req);
  if (req.scheme || raw.code() != ErrorCode::verify_failed) return raw;
  return check_stellar_sep53(req);  // neither given: the wallet may have used either
}

}  // namespace

Result<WalletType> parse_wallet_type(std::string_view name) {
  for (size_t i = 0; i < kWalletTypeNames.size(); ++i) {
    if (name == kWalletTypeNames[i]) return static_cast<WalletType>(i);
  }
  return make_error(ErrorCode::unsupported, "unsupported wallet type (EVM, NEAR, Stellar, XRPL, FaceSign)");
}

std::string_view wallet_type_name(WalletType type) {
  const auto i = static_cast<size_t>(type);
  return i < kWalletTypeNames.size() ? kWalletTypeNames[i] : kWalletTypeNames[0];
}

std::string evm_checksum_address(const std::array<uint8_t, 20>& address) {
  std::string lower = hex_encode(address);
  auto hash = keccak256_digest(as_bytes(lower));
  std::string out = "0x";
  for (size_t i = 0; i < lower.size(); ++i) {
    char c = lower[i];
    uint8_t nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0x0f);
    out.push_back((c >= 'a' && nibble >= 8) ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

std::array<uint8_t, 32> eip191_hash(ByteView message) {
  std::string envelope = "\x19" "Ethereum Signed Message:\n" + std::to_string(message.size());
  Bytes data = concat(as_bytes(envelope), message);
  return keccak256_digest(data);
}

Result<std::string> canonical_wallet_identifier(WalletType type, std::string_view identifier) {
  if (identifier.size() > kMaxWalletIdentifierChars) return make_error(ErrorCode::too_large, "wallet identifier is too long");
  switch (type) {
    case WalletType::evm: {
      IDOS_TRY(auto address, parse_evm_address(identifier));
      return "0x" + hex_encode(address);
    }
    case WalletType::near: {
      IDOS_TRY(auto key, parse_near_key(identifier));
      return wallet_identifier_from_ed25519(type, key);
    }
    case WalletType::stellar: {
      IDOS_TRY(auto key, strkey_decode_ed25519_public_key(identifier));
      return strkey_encode_ed25519_public_key(key);
    }
    case WalletType::xrpl: {
      IDOS_TRY(auto account, xrpl_decode_classic_address(identifier));
      return xrpl_classic_address_from_account_id(account);
    }
    case WalletType::facesign: {
      IDOS_TRY(auto key, parse_facesign_key(identifier));
      return hex_encode(key);
    }
  }
  return make_error(ErrorCode::unsupported, "unsupported wallet type");
}

Result<std::string> canonical_wallet_identifier(std::string_view type, std::string_view identifier) {
  IDOS_TRY(WalletType t, parse_wallet_type(type));
  return canonical_wallet_identifier(t, identifier);
}

Status verify_wallet_signature(const WalletSignatureRequest& req) {
  IDOS_CHECK(initialize());
  IDOS_TRY(WalletType type, parse_wallet_type(req.type));
  if (req.identifier.size() > kMaxWalletIdentifierChars) return make_error(ErrorCode::too_large, "wallet identifier is too long");
  if (req.expected_recipient && type != WalletType::near) {
    return make_error(ErrorCode::invalid_input, "expected_recipient is only for NEAR wallets");
  }
  auto only_scheme = [&](std::string_view name) -> Status {
    if (req.scheme && *req.scheme != name) {
      return make_error(ErrorCode::unsupported, std::string(wallet_type_name(type)) + " signs with one scheme: " + std::string(name));
    }
    return ok_status();
  };
  switch (type) {
    case WalletType::evm:
      IDOS_CHECK(only_scheme("eip191"));
      return verify_evm(req);
    case WalletType::near: return check_near(req);
    case WalletType::stellar: return check_stellar(req);
    case WalletType::xrpl:
      IDOS_CHECK(only_scheme("raw"));
      return check_xrpl(req);
    case WalletType::facesign:
      IDOS_CHECK(only_scheme("raw"));
      return verify_ed25519_raw(type, req);
  }
  return make_error(ErrorCode::unsupported, "unsupported wallet type");
}

Result<std::array<uint8_t, 32>> sep53_hash(std::string_view message) {
  IDOS_CHECK(check_message(message));
  constexpr std::string_view kPrefix = "Stellar Signed Message:\n";
  return sha256(concat(as_bytes(kPrefix), as_bytes(message)));
}

std::array<uint8_t, 32> sha512_half(ByteView data) {
  auto full = sha512(data);
  std::array<uint8_t, 32> half{};
  std::copy(full.begin(), full.begin() + 32, half.begin());
  return half;
}

Status secp256k1_ecdsa_verify(ByteView digest32, ByteView sig, ByteView public_key) {
  if (digest32.size() != 32) return make_error(ErrorCode::invalid_length, "ECDSA digest must be 32 bytes");
  if (sig.size() != 64) return make_error(ErrorCode::invalid_signature, "ECDSA signature must be 64 bytes r||s");
  if (public_key.size() != 33 && public_key.size() != 65) return make_error(ErrorCode::invalid_length, "secp256k1 public key must be 33 or 65 bytes");
  IDOS_CHECK(check_compact_rs(sig.data(), sig.data() + 32));
  const secp256k1_context* ctx = secp256k1_context_static;
  secp256k1_pubkey pubkey;
  if (!secp256k1_ec_pubkey_parse(ctx, &pubkey, public_key.data(), public_key.size())) {
    return make_error(ErrorCode::invalid_key, "not a secp256k1 public key");
  }
  secp256k1_ecdsa_signature parsed;
  if (!secp256k1_ecdsa_signature_parse_compact(ctx, &parsed, sig.data())) {
    return make_error(ErrorCode::invalid_signature, "signature does not parse");
  }
  if (::secp256k1_ecdsa_verify(ctx, &parsed, digest32.data(), &pubkey) != 1) {
    return make_error(ErrorCode::verify_failed, "the ECDSA signature does not verify");
  }
  return ok_status();
}

// --- keys the module holds ---------------------------------------------------------------------

Result<Secp256k1KeyPair> secp256k1_from_secret(ByteView secret_key) {
  IDOS_CHECK(initialize());
  if (secret_key.size() != 32) return make_error(ErrorCode::invalid_length, "secp256k1 secret key must be 32 bytes");
  const secp256k1_context* ctx = secp256k1_context_static;
  if (!secp256k1_ec_seckey_verify(ctx, secret_key.data())) return make_error(ErrorCode::invalid_key, "secp256k1 secret key is zero or not below the group order");
  Secp256k1KeyPair pair;
  IDOS_TRY(pair.secret_key, Secret::copy_of(secret_key));
  // Public-key derivation multiplies by G: needs a context with generator tables (created here,
  // no global state).
  secp256k1_context* sign_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (sign_ctx == nullptr) return make_error(ErrorCode::internal, "cannot create a secp256k1 context");
  secp256k1_pubkey pubkey;
  int ok = secp256k1_ec_pubkey_create(sign_ctx, &pubkey, pair.secret_key.expose().data());
  secp256k1_context_destroy(sign_ctx);
  if (!ok) return make_error(ErrorCode::invalid_key, "invalid secp256k1 secret key");
  size_t len = pair.public_key.size();
  secp256k1_ec_pubkey_serialize(ctx, pair.public_key.data(), &len, &pubkey, SECP256K1_EC_UNCOMPRESSED);
  auto hash = keccak256_digest(ByteView(pair.public_key.data() + 1, 64));
  pair.address = "0x" + hex_encode(ByteView(hash.data() + 12, 20));
  return pair;
}

Result<Secp256k1KeyPair> secp256k1_generate() {
  IDOS_CHECK(initialize());
  IDOS_TRY(Secret candidate, Secret::allocate(32));
  for (int attempt = 0; attempt < 16; ++attempt) {
    randombytes_buf(candidate.expose_mut().data(), candidate.size());
    if (secp256k1_ec_seckey_verify(secp256k1_context_static, candidate.expose().data())) {
      return secp256k1_from_secret(candidate.expose());
    }
  }
  return make_error(ErrorCode::internal, "random number generator keeps giving invalid keys");
}

Result<std::string> evm_personal_sign(ByteView message, const Secp256k1KeyPair& key) {
  IDOS_CHECK(initialize());
  if (key.secret_key.size() != 32) return make_error(ErrorCode::invalid_key, "not a secp256k1 key pair");
  if (message.size() > kMaxWalletMessageBytes) return make_error(ErrorCode::too_large, "message is over 64 KiB");
  auto digest = eip191_hash(message);
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (ctx == nullptr) return make_error(ErrorCode::internal, "cannot create a secp256k1 context");
  uint8_t seed[32];
  randombytes_buf(seed, sizeof seed);
  int ok = secp256k1_context_randomize(ctx, seed);  // side-channel blinding only; the nonce is RFC 6979
  sodium_memzero(seed, sizeof seed);
  secp256k1_ecdsa_recoverable_signature rsig;
  ok = ok && secp256k1_ecdsa_sign_recoverable(ctx, &rsig, digest.data(), key.secret_key.expose().data(), nullptr, nullptr);
  uint8_t compact[64];
  int recid = 0;
  if (ok) secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, compact, &recid, &rsig);
  secp256k1_context_destroy(ctx);
  if (!ok) return make_error(ErrorCode::internal, "secp256k1 signing failed");
  Bytes sig(compact, compact + 64);
  sig.push_back(static_cast<uint8_t>(27 + recid));  // libsecp256k1 always emits low-S
  return "0x" + hex_encode(sig);
}

Result<std::string> wallet_identifier_from_ed25519(WalletType type, const Ed25519PublicKey& public_key) {
  switch (type) {
    case WalletType::near: {
      IDOS_TRY(std::string b58, base58_encode(public_key, Base58Alphabet::bitcoin));
      return std::string(kNearPrefix) + b58;
    }
    case WalletType::stellar: return strkey_encode_ed25519_public_key(public_key);
    case WalletType::xrpl: return xrpl_classic_address_from_ed25519_public_key(public_key);
    case WalletType::facesign: return hex_encode(public_key);
    case WalletType::evm: break;
  }
  return make_error(ErrorCode::unsupported, "EVM identifiers come from secp256k1 keys");
}

std::string xrpl_public_key_text(const Ed25519PublicKey& public_key) {
  std::string hex = hex_encode(public_key);
  for (char& c : hex) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return "ED" + hex;
}

Result<std::array<uint8_t, 32>> nep413_hash(std::string_view message, ByteView nonce32, std::string_view recipient,
                                            std::optional<std::string_view> callback_url) {
  IDOS_CHECK(check_message(message));
  if (nonce32.size() != 32) return make_error(ErrorCode::invalid_length, "NEP-413 nonce must be 32 bytes");
  if (recipient.size() > kMaxNearRecipientBytes) return make_error(ErrorCode::too_large, "recipient is too long");
  IDOS_CHECK(check_utf8(recipient, "recipient"));
  if (callback_url) {
    if (callback_url->size() > kMaxNearRecipientBytes) return make_error(ErrorCode::too_large, "callback URL is too long");
    IDOS_CHECK(check_utf8(*callback_url, "callback URL"));
  }
  Bytes payload;
  payload.reserve(4 + 4 + message.size() + 32 + 4 + recipient.size() + 5 + (callback_url ? callback_url->size() : 0));
  put_u32le(payload, kNep413Tag);
  put_borsh_string(payload, message);
  payload.insert(payload.end(), nonce32.begin(), nonce32.end());
  put_borsh_string(payload, recipient);
  if (callback_url) {
    payload.push_back(1);
    put_borsh_string(payload, *callback_url);
  } else {
    payload.push_back(0);
  }
  return sha256(payload);
}

Result<std::string> ed25519_wallet_sign(WalletType type, std::string_view message, const Ed25519KeyPair& key,
                                        std::optional<ByteView> nonce32, std::optional<std::string_view> recipient,
                                        std::optional<std::string_view> callback_url) {
  IDOS_CHECK(check_message(message));
  if (type == WalletType::evm) return make_error(ErrorCode::unsupported, "EVM wallets sign with secp256k1 (evm_personal_sign)");
  if (type == WalletType::near) {
    if (!nonce32 || !recipient) return make_error(ErrorCode::invalid_input, "NEP-413 signing needs a nonce and a recipient");
    IDOS_TRY(auto hash, nep413_hash(message, *nonce32, *recipient, callback_url));
    IDOS_TRY(auto sig, ed25519_sign(hash, key));
    return base64_encode(sig);
  }
  IDOS_TRY(auto sig, ed25519_sign(as_bytes(message), key));
  return hex_encode(sig);
}

}  // namespace idos

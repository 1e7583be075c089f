// UUIDs as idOS uses them for record ids: parsing, formatting, name-based v5 and random v4.
//
// Why SHA-1 is hand-written: UUIDv5 is defined over SHA-1 (RFC 9562 section 5.5) and libsodium has
// no SHA-1. Spec: FIPS 180-4 (Secure Hash Standard), section 6.1. SHA-1 is used here only to
// derive identifiers as RFC 9562 requires, never for integrity or signatures.
//
// Text form: ONLY the canonical lowercase 8-4-4-4-12 spelling (36 characters, RFC 9562 section 4)
// is accepted. Uppercase hex, braces, "urn:uuid:" prefixes and hyphen-less forms are rejected, so
// every UUID has exactly one accepted spelling and ids compare as plain strings.
// Parsing does not check the version or variant bits: any 128-bit value in canonical form parses
// (the RFC namespace ids are version 1). Use uuid_version()/uuid_has_rfc_variant() to check.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "idos/primitives/bytes.hpp"
#include "idos/primitives/result.hpp"

namespace idos {

inline constexpr size_t kSha1Size = 20;
using Sha1Digest = std::array<uint8_t, kSha1Size>;

// SHA-1 digest of `data` (FIPS 180-4). Only for UUIDv5 and other identifier derivations.
Sha1Digest sha1(ByteView data);

inline constexpr size_t kUuidSize = 16;
inline constexpr size_t kUuidTextLength = 36;
// Largest name uuid_v5 hashes (the bound keeps a hostile caller from making us hash megabytes).
inline constexpr size_t kUuidV5MaxNameBytes = 64 * 1024;
using UuidBytes = std::array<uint8_t, kUuidSize>;

// The RFC 9562 section 6.6 namespace ids, in canonical text form.
inline constexpr std::string_view kUuidNamespaceDns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
inline constexpr std::string_view kUuidNamespaceUrl = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

// Parses the canonical lowercase form. Errors: invalid_length (not 36 characters),
// invalid_encoding (hyphen misplaced, or a character that is not 0-9 / a-f).
Result<UuidBytes> parse_uuid(std::string_view text);

// True exactly when parse_uuid(text) would succeed.
bool is_canonical_uuid(std::string_view text);

// Canonical lowercase 8-4-4-4-12 text of `uuid`.
std::string format_uuid(const UuidBytes& uuid);

// The version nibble (bits 48..51) and whether the variant bits are the RFC 9562 "10x" ones.
uint8_t uuid_version(const UuidBytes& uuid);
bool uuid_has_rfc_variant(const UuidBytes& uuid);

// Name-based UUID, version 5 (RFC 9562 section 5.5): SHA-1(namespace bytes || name), truncated to
// 128 bits, version and variant set. `name` is hashed as given (callers decide its encoding).
UuidBytes uuid_v5_bytes(const UuidBytes& namespace_uuid, ByteView name);

// Same, from the namespace's canonical text; returns canonical text. Errors: those of parse_uuid
// for the namespace, too_large for a name over kUuidV5MaxNameBytes.
Result<std::string> uuid_v5(std::string_view namespace_uuid_text, std::string_view name);

// Random UUID, version 4 (RFC 9562 section 5.4), from 16 random bytes the caller supplies
// (e.g. randombytes_buf): 122 of them are kept, the version and variant bits are overwritten.
std::string uuid_v4_from_random(const UuidBytes& random_bytes);

}  // namespace idos

#include "server/auth/token_store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cov::server::auth {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ParseDigest(absl::string_view hex, Sha256Digest* out) {
  if (hex.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

Sha256Digest Sha256(absl::string_view bytes) {
  Sha256Digest digest{};
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure; the digest then stays zero
  // and matches no configured token (a zero hash is no SHA-256 of anything
  // found in practice).
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha256(),
             nullptr);
  return digest;
}

std::string DigestHex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string Sha256Hex(absl::string_view bytes) {
  return DigestHex(Sha256(bytes));
}

absl::StatusOr<TokenStore> TokenStore::Parse(absl::string_view text,
                                             absl::string_view origin) {
  TokenStore store;
  absl::flat_hash_set<std::string> hashes;
  absl::flat_hash_set<std::string> names;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto where = [&] { return absl::StrCat(origin, ":", line_no, ": "); };
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 3) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "expected `<role> <sha256 hex> <name>`, got ",
                       fields.size(), " fields"));
    }
    TokenEntry entry;
    absl::StatusOr<Role> role = ParseRole(fields[0]);
    if (!role.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), role.status().message()));
    }
    entry.role = *role;
    if (!ParseDigest(fields[1], &entry.hash)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where(),
          "the second field must be the token's SHA-256 as 64 hex digits "
          "(printf %s TOKEN | sha256sum), not a token in clear"));
    }
    entry.name = std::string(fields[2]);
    if (!hashes.insert(DigestHex(entry.hash)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "the same token hash is listed twice"));
    }
    if (!names.insert(entry.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "the name '", entry.name, "' is used twice"));
    }
    store.entries_.push_back(std::move(entry));
  }
  if (store.entries_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin, ": no token configured (lines `<role> <sha256 hex> <name>`)"));
  }
  return store;
}

absl::StatusOr<TokenStore> TokenStore::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

const TokenEntry* TokenStore::Find(absl::string_view token) const {
  const Sha256Digest digest = Sha256(token);
  const TokenEntry* found = nullptr;
  for (const TokenEntry& e : entries_) {
    // CRYPTO_memcmp takes the same time whatever the bytes; every entry is
    // compared even after a match.
    bool equal =
        CRYPTO_memcmp(e.hash.data(), digest.data(), digest.size()) == 0;
    if (equal) found = &e;
  }
  return found;
}

int TokenStore::Count(Role role) const {
  int n = 0;
  for (const TokenEntry& e : entries_) n += e.role == role;
  return n;
}

}  // namespace cov::server::auth

#include "server/tokens.h"

#include <array>
#include <random>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/error.h"

namespace liaison::server {

std::string role_name(Role role) {
  switch (role) {
    case Role::Reader: return "reader";
    case Role::Editor: return "editor";
    case Role::Admin: return "admin";
  }
  return "reader";
}

Role parse_role(const std::string& name) {
  if (name == "reader") return Role::Reader;
  if (name == "editor") return Role::Editor;
  if (name == "admin") return Role::Admin;
  throw UserError("--role: '" + name + "' is not reader, editor or admin");
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xF]);
  }
  return out;
}

TokenStore::TokenStore(const std::filesystem::path& path) : db_(Database::open(path)) {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS tokens(id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, org TEXT NOT NULL,"
      " role TEXT NOT NULL, created TEXT NOT NULL DEFAULT (datetime('now')), revoked INTEGER NOT NULL DEFAULT 0)");
}

std::string TokenStore::create(const std::string& org, Role role) {
  std::array<unsigned char, 24> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) throw Failure("no random source for tokens");
  static const char* hex = "0123456789abcdef";
  std::string token = "lz_";
  for (auto b : secret) {
    token.push_back(hex[b >> 4]);
    token.push_back(hex[b & 0xF]);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto st = db_.prepare("INSERT INTO tokens(hash, org, role) VALUES(?,?,?)");
  st.bind(1, sha256_hex(token)).bind(2, org).bind(3, role_name(role)).run();
  return token;
}

std::optional<Identity> TokenStore::authenticate(const std::string& token) {
  if (!token.starts_with("lz_") || token.size() != 51) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  auto st = db_.prepare("SELECT id, org, role FROM tokens WHERE hash=? AND revoked=0");
  st.bind(1, sha256_hex(token));
  if (!st.step()) return std::nullopt;
  return Identity{st.integer(0), st.text(1), parse_role(st.text(2))};
}

std::vector<TokenInfo> TokenStore::list() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<TokenInfo> out;
  auto st = db_.prepare("SELECT id, org, role, created, revoked FROM tokens ORDER BY id");
  while (st.step()) out.push_back({st.integer(0), st.text(1), parse_role(st.text(2)), st.text(3), st.integer(4) != 0});
  return out;
}

void TokenStore::revoke(std::int64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto st = db_.prepare("UPDATE tokens SET revoked=1 WHERE id=?");
  st.bind(1, id).run();
  if (db_.changes() == 0) throw UserError("no token with id " + std::to_string(id));
}

}  // namespace liaison::server

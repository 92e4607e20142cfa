// Access tokens of a liaisond server, kept in its server.db. A token is
// shown once when created; only its SHA-256 is stored. Roles:
//   reader  fetch only (donors)
//   editor  may change the records its organization owns
//   admin   may change everything and work the review queue
//
// Thread-safe: a TokenStore has a connection to server.db and a mutex of its
// own, so token checks never wait for the central copy's lock, and it reads
// the table on every check, so tokens created or revoked by `liaisond
// token` while a server runs count at once.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "view/sqlite_db.h"

namespace liaison::server {

enum class Role { Reader, Editor, Admin };
std::string role_name(Role role);
// Throws UserError for an unknown name.
Role parse_role(const std::string& name);

struct Identity {
  std::int64_t token_id = 0;
  std::string org;
  Role role = Role::Reader;
};

struct TokenInfo {
  std::int64_t id;
  std::string org;
  Role role;
  std::string created;
  bool revoked;
};

class TokenStore {
 public:
  // Opens server.db at `path` (created if missing) and its tokens table.
  explicit TokenStore(const std::filesystem::path& path);
  // Returns the new token's text; it cannot be recovered later.
  std::string create(const std::string& org, Role role);
  // nullopt for an unknown, malformed or revoked token.
  std::optional<Identity> authenticate(const std::string& token);
  std::vector<TokenInfo> list();
  void revoke(std::int64_t id);

 private:
  std::mutex mutex_;
  Database db_;
};

std::string sha256_hex(std::string_view data);

}  // namespace liaison::server

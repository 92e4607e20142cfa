// Unit tests of access tokens (server/tokens.h): a created token is "lz_"
// and 48 hex digits, checks as its org and role, and is stored only as its
// SHA-256 (no plaintext anywhere in server.db); a revoked, unknown, altered
// or malformed token is refused; role names parse and print both ways; and
// a token created or revoked through one TokenStore counts at once for
// another open on the same server.db.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "server/tokens.h"
#include "tests/unit/temp_copy.h"
#include "view/sqlite_db.h"

namespace liaison::server {
namespace {

namespace fs = std::filesystem;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class TokenStoreTest : public ::testing::Test {
 protected:
  fs::path db_path() const { return dir / "server.db"; }

  test::TempDir dir;
  TokenStore tokens{dir / "server.db"};
};

TEST(TokenRoleTest, NamesParseAndPrintBothWays) {
  for (Role role : {Role::Reader, Role::Editor, Role::Admin}) EXPECT_EQ(parse_role(role_name(role)), role);
  EXPECT_EQ(role_name(Role::Reader), "reader");
  EXPECT_EQ(role_name(Role::Editor), "editor");
  EXPECT_EQ(role_name(Role::Admin), "admin");
  EXPECT_THROW(parse_role("Admin"), UserError);
  EXPECT_THROW(parse_role("owner"), UserError);
  EXPECT_THROW(parse_role(""), UserError);
  EXPECT_THROW(parse_role("reader "), UserError);
}

TEST(TokenHashTest, Sha256HexMatchesKnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(TokenStoreTest, CreatedTokenIsLzAnd48HexDigitsAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto token = tokens.create("cis-atc", Role::Editor);
    ASSERT_EQ(token.size(), 51u) << token;
    EXPECT_EQ(token.substr(0, 3), "lz_");
    for (char c : token.substr(3))
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f')) << token;
    EXPECT_TRUE(seen.insert(token).second) << "the same token twice: " << token;
  }
}

TEST_F(TokenStoreTest, CreatedTokenChecksAsItsOrgAndRole) {
  auto reader = tokens.create("donor-fund", Role::Reader);
  auto editor = tokens.create("cis-atc", Role::Editor);
  auto admin = tokens.create("un-ctc", Role::Admin);

  auto who = tokens.authenticate(reader);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->org, "donor-fund");
  EXPECT_EQ(who->role, Role::Reader);
  who = tokens.authenticate(editor);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->org, "cis-atc");
  EXPECT_EQ(who->role, Role::Editor);
  who = tokens.authenticate(admin);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->org, "un-ctc");
  EXPECT_EQ(who->role, Role::Admin);

  // The identity names the token's row, as list() shows it.
  auto listed = tokens.list();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(tokens.authenticate(reader)->token_id, listed[0].id);
  EXPECT_EQ(tokens.authenticate(editor)->token_id, listed[1].id);
  EXPECT_EQ(tokens.authenticate(admin)->token_id, listed[2].id);
  EXPECT_NE(listed[0].id, listed[1].id);
}

TEST_F(TokenStoreTest, ListShowsEveryTokenInOrderWithoutItsText) {
  tokens.create("cis-atc", Role::Editor);
  tokens.create("donor-fund", Role::Reader);
  auto listed = tokens.list();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_LT(listed[0].id, listed[1].id);
  EXPECT_EQ(listed[0].org, "cis-atc");
  EXPECT_EQ(listed[0].role, Role::Editor);
  EXPECT_EQ(listed[1].org, "donor-fund");
  EXPECT_EQ(listed[1].role, Role::Reader);
  for (const auto& t : listed) {
    EXPECT_FALSE(t.revoked);
    // SQLite's datetime('now'): "YYYY-MM-DD HH:MM:SS".
    EXPECT_EQ(t.created.size(), 19u) << t.created;
  }
}

TEST_F(TokenStoreTest, OnlyTheHashIsStored) {
  auto token = tokens.create("cis-atc", Role::Admin);
  auto secret = token.substr(3);

  auto db = Database::open(db_path());
  auto hash = db.scalar("SELECT hash FROM tokens");
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(*hash, sha256_hex(token));
  auto st = db.prepare("SELECT * FROM tokens");
  ASSERT_TRUE(st.step());
  for (int c = 0; c < st.column_count(); ++c) {
    EXPECT_EQ(st.text(c).find(secret), std::string::npos) << "column " << st.column_name(c) << " holds the token";
    EXPECT_EQ(st.text(c).find(secret.substr(0, 16)), std::string::npos) << st.column_name(c);
  }

  // Nor in any file of server.db (its journal or WAL included).
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (!e.path().filename().string().starts_with("server.db")) continue;
    auto bytes = file_bytes(e.path());
    EXPECT_EQ(bytes.find(secret), std::string::npos) << e.path() << " holds the token";
    EXPECT_EQ(bytes.find(secret.substr(0, 16)), std::string::npos) << e.path();
  }
}

TEST_F(TokenStoreTest, RevokedTokenIsRefusedAndOthersStillCheck) {
  auto kept = tokens.create("cis-atc", Role::Editor);
  auto revoked = tokens.create("cis-atc", Role::Editor);
  auto id = tokens.authenticate(revoked)->token_id;
  tokens.revoke(id);

  EXPECT_FALSE(tokens.authenticate(revoked).has_value());
  EXPECT_TRUE(tokens.authenticate(kept).has_value());
  auto listed = tokens.list();
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& t : listed) EXPECT_EQ(t.revoked, t.id == id) << t.id;

  // Revoking again keeps it revoked; an id with no token is a UserError.
  EXPECT_NO_THROW(tokens.revoke(id));
  EXPECT_FALSE(tokens.authenticate(revoked).has_value());
  EXPECT_THROW(tokens.revoke(id + 100), UserError);
  EXPECT_THROW(tokens.revoke(0), UserError);
  EXPECT_TRUE(tokens.authenticate(kept).has_value());
}

TEST_F(TokenStoreTest, WrongOrMalformedTokensAreRefused) {
  auto token = tokens.create("cis-atc", Role::Admin);
  ASSERT_TRUE(tokens.authenticate(token).has_value());

  std::string altered = token;
  altered.back() = altered.back() == '0' ? '1' : '0';
  std::string upper = token;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string upper_hex = "lz_" + upper.substr(3);

  for (const std::string& bad : std::vector<std::string>{
           "",
           "lz_",
           "lz_" + std::string(48, '0'),
           altered,
           upper_hex,
           token.substr(3),                      // without its prefix
           "LZ_" + token.substr(3),
           "xx_" + token.substr(3),
           token.substr(0, 50),                  // one digit short
           token + "0",                          // one digit more
           token + "\n",
           " " + token,
           "Bearer " + token,
           std::string(token).replace(10, 1, "\0", 1),
           sha256_hex(token),                    // what the table holds
       }) {
    EXPECT_FALSE(tokens.authenticate(bad).has_value()) << "accepted: '" << bad << "'";
  }
  // Refusals change nothing: the token still checks.
  EXPECT_TRUE(tokens.authenticate(token).has_value());
}

TEST_F(TokenStoreTest, AnotherStoreOnTheSameFileSeesChangesAtOnce) {
  // As `liaisond token create|revoke` does while a server runs.
  TokenStore command(db_path());
  auto token = command.create("cis-atc", Role::Editor);
  auto who = tokens.authenticate(token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->org, "cis-atc");

  command.revoke(who->token_id);
  EXPECT_FALSE(tokens.authenticate(token).has_value());

  // A store opened later on the file finds the tokens made before.
  auto admin = tokens.create("un-ctc", Role::Admin);
  TokenStore reopened(db_path());
  ASSERT_TRUE(reopened.authenticate(admin).has_value());
  EXPECT_EQ(reopened.authenticate(admin)->role, Role::Admin);
  EXPECT_EQ(reopened.list().size(), 2u);
}

TEST_F(TokenStoreTest, ChecksFromManyThreadsAgree) {
  auto good = tokens.create("cis-atc", Role::Editor);
  std::vector<std::thread> threads;
  std::vector<int> accepted(4, 0), refused(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (tokens.authenticate(good)) ++accepted[t];
        if (!tokens.authenticate("lz_" + std::string(48, 'f'))) ++refused[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(accepted[t], 100);
    EXPECT_EQ(refused[t], 100);
  }
}

}  // namespace
}  // namespace liaison::server

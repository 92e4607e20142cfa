// A thin RAII layer over SQLite: Database owns a connection, Statement a
// prepared statement, Transaction a BEGIN IMMEDIATE ... COMMIT that rolls
// back unless committed. Errors become liaison::Failure with SQLite's message.
// Not thread-safe: one Database per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace liaison {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  // Binds text without copying it: the caller keeps it alive and unchanged
  // until the statement has been stepped and reset (bulk inserts).
  Statement& bind_static(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);
  // Binds a named parameter (":org"); does nothing if the query has none.
  Statement& bind_named(const char* name, std::string_view text);
  // Binds text, or NULL for nullopt.
  Statement& bind_optional(int index, const std::optional<std::string>& text);

  // Steps once; true while a row is available.
  bool step();
  // Steps to completion (for statements that return no rows) and resets.
  void run();
  void reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  int column_count() const;
  std::string column_name(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  static Database open(const std::filesystem::path& path);
  ~Database();
  Database(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  // The single text value of a one-row query, or nullopt.
  std::optional<std::string> scalar(std::string_view sql, std::string_view arg = {});
  // The rowid of the last INSERT, and the rows the last statement changed.
  std::int64_t last_insert_rowid() const;
  int changes() const;
  // True while a transaction is open on this connection.
  bool in_transaction() const;
  // The SQLite handle, for the view layer's own modules only.
  sqlite3* raw() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_), done_(other.done_) { other.done_ = true; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace liaison

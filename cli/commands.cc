#include "cli/commands.h"

namespace liaison::cli {
namespace {

bool is_option(std::string_view arg) { return arg.starts_with("-"); }

// The index in argv of the command word, or argc when there is none.
int command_index(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-C") {
      ++i;
      continue;
    }
    if (!is_option(arg)) return i;
  }
  return argc;
}

}  // namespace

const CommandRow* find_command(std::span<const CommandRow> table, int argc, const char* const* argv) {
  int at = command_index(argc, argv);
  if (at == argc) return nullptr;
  for (const auto& row : table)
    if (row.name == argv[at]) return &row;
  return nullptr;
}

bool is_bulk(const CommandRow& row, int argc, const char* const* argv) {
  if (row.flags & kBulk) return true;
  if (!(row.flags & kBulkWithArgument)) return false;
  for (int i = command_index(argc, argv) + 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-C") {
      ++i;  // -C DIR may follow the command too
      continue;
    }
    if (!is_option(arg)) return true;
  }
  return false;
}

}  // namespace liaison::cli

// The command table's lookups (cli/commands.h): which row a command line
// runs, and whether that run is bulk.
#include <initializer_list>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "cli/commands.h"

namespace liaison::cli {
namespace {

// Rows with the flags main.cc's table gives these commands.
constexpr CommandRow kTable[] = {
    {"init", nullptr, 0},
    {"contact", nullptr, kNeedsCopy},
    {"list", nullptr, kNeedsCopy},
    {"search", nullptr, kNeedsCopy},
    {"import", nullptr, kNeedsCopy | kBulk},
    {"export", nullptr, kNeedsCopy | kBulk},
    {"doctor", nullptr, kNeedsCopy | kBulk},
    {"pull", nullptr, kNeedsCopy | kBulkWithArgument},
    {"merge", nullptr, kNeedsCopy | kBulk},
};

std::vector<const char*> command_line(std::initializer_list<const char*> words) {
  std::vector<const char*> argv{"liaison"};
  argv.insert(argv.end(), words);
  return argv;
}

std::string_view command(std::initializer_list<const char*> words) {
  auto argv = command_line(words);
  const CommandRow* row = find_command(kTable, static_cast<int>(argv.size()), argv.data());
  return row ? row->name : "(none)";
}

bool bulk(std::initializer_list<const char*> words) {
  auto argv = command_line(words);
  int argc = static_cast<int>(argv.size());
  const CommandRow* row = find_command(kTable, argc, argv.data());
  return row && is_bulk(*row, argc, argv.data());
}

TEST(CliTable, TheCommandIsTheFirstWordThatIsNeitherAnOptionNorTheDirectory) {
  EXPECT_EQ(command({"contact", "add", "--name", "import"}), "contact");
  EXPECT_EQ(command({"--json", "-C", "import", "list", "contacts"}), "list");
  EXPECT_EQ(command({"-C", "pull"}), "(none)");
  EXPECT_EQ(command({"--help"}), "(none)");
  EXPECT_EQ(command({}), "(none)");
  EXPECT_EQ(command({"frobnicate", "import"}), "(none)");  // help then lists every command
}

TEST(CliTable, AnOptionValueNamedImportIsNotBulk) {
  EXPECT_FALSE(bulk({"contact", "add", "--name", "import"}));
  EXPECT_FALSE(bulk({"contact", "list", "--org", "export"}));
  EXPECT_FALSE(bulk({"search", "doctor", "merge", "pull", "hq"}));
  EXPECT_FALSE(bulk({"-C", "import", "list", "contacts"}));
  EXPECT_FALSE(bulk({"init", "import", "--org", "cis-atc"}));
}

TEST(CliTable, ImportFileIsBulk) {
  EXPECT_TRUE(bulk({"import", "contacts.csv"}));
  EXPECT_TRUE(bulk({"-C", "copy", "--json", "import", "contacts.csv"}));
  EXPECT_TRUE(bulk({"export", "--kind", "contacts"}));
  EXPECT_TRUE(bulk({"doctor"}));
  EXPECT_TRUE(bulk({"merge", "--continue"}));
}

TEST(CliTable, PullIsBulkOnlyFromANamedCopyOrBundle) {
  EXPECT_FALSE(bulk({"pull"}));
  EXPECT_FALSE(bulk({"pull", "--json"}));
  EXPECT_FALSE(bulk({"pull", "-C", "copy"}));
  EXPECT_FALSE(bulk({"-C", "hq", "pull"}));
  EXPECT_TRUE(bulk({"pull", "hq"}));
  EXPECT_TRUE(bulk({"-C", "copy", "pull", "--json", "changes.bundle"}));
}

}  // namespace
}  // namespace liaison::cli

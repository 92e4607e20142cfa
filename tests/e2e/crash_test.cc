// Kill tests: the real binary is killed with SIGKILL at many points of an
// import and of an edit; every time the copy must open, pass doctor, and
// hold either the whole change or none of it.
#include <chrono>
#include <thread>

#include "tests/e2e/cli_fixture.h"

namespace liaison::test {
namespace {

class CrashTest : public CliTest {
 protected:
  void prepare_copy(const std::string& copy) {
    init(copy);
    ok({"import", path("gen/orgs.csv")}, copy);
  }
  int contacts(const std::string& copy) { return json({"status"}, copy)["records"]["contacts"]; }
};

#ifdef LIAISON_SANITIZED
constexpr int kContacts = 3000;
#else
constexpr int kContacts = 20000;
#endif

TEST_F(CrashTest, KilledImportLeavesAllOrNothing) {
  auto gen = run_process({GEN_DIRECTORY_BIN, path("gen"), std::to_string(kContacts), "0", "0", "50"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;

  prepare_copy("timing");
  auto start = std::chrono::steady_clock::now();
  ok({"import", path("gen/contacts.csv")}, "timing");
  auto full = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(contacts("timing"), kContacts);

  constexpr int kPoints = 12;
  int whole = 0, none = 0;
  for (int point = 0; point < kPoints; ++point) {
    std::string copy = "kill" + std::to_string(point);
    prepare_copy(copy);
    auto p = start_process({LIAISON_BIN, "-C", path(copy), "import", path("gen/contacts.csv")}, env());
    std::this_thread::sleep_for(full * (point + 1) / (kPoints + 1));
    auto result = finish_process(p, SIGKILL);
    // The copy opens and passes doctor.
    auto doctor = liaison({"doctor"}, copy);
    EXPECT_EQ(doctor.exit_code, 0) << "kill point " << point << ": " << doctor.out << doctor.err;
    int n = contacts(copy);
    EXPECT_TRUE(n == 0 || n == kContacts) << "kill point " << point << " left " << n << " contacts";
    if (result.exit_code == 0) {
      EXPECT_EQ(n, kContacts) << "reported done but lost records";
    }
    (n == 0 ? none : whole)++;
    // And it still works: the import can be run (again) to completion.
    ok({"import", path("gen/contacts.csv")}, copy);
    EXPECT_EQ(contacts(copy), kContacts);
    std::filesystem::remove_all(path(copy));
  }
  // The kill points spread over the import, so both outcomes occur.
  EXPECT_GT(none, 0);
  std::cout << "kill points: " << none << " left nothing, " << whole << " left the whole import\n";
}

TEST_F(CrashTest, KilledEditLeavesOldOrNewValue) {
  init();
  auto added = json({"contact", "add", "--org", "cis-atc", "--role", "role-0", "--name", "Kill Test"});
  std::string id = added["id"];
  std::string last_done = "role-0";
  for (int i = 1; i <= 20; ++i) {
    std::string next = "role-" + std::to_string(i);
    auto p = start_process({LIAISON_BIN, "-C", path("copy"), "contact", "edit", id, "--role", next}, env());
    std::this_thread::sleep_for(std::chrono::microseconds(1500 * i));
    auto result = finish_process(p, SIGKILL);
    auto doctor = liaison({"doctor"});
    ASSERT_EQ(doctor.exit_code, 0) << doctor.out << doctor.err;
    std::string role = json({"contact", "show", id})["role"];
    if (result.exit_code == 0) {
      EXPECT_EQ(role, next) << "edit reported done but was lost";
    }
    EXPECT_TRUE(role == next || role == last_done) << role;
    last_done = role;
  }
}

}  // namespace
}  // namespace liaison::test

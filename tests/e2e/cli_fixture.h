// Fixture for end-to-end tests: a fresh temporary folder per test and a
// helper that runs the real `liaison` binary in it with a fixed date and user.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_process.h"

namespace liaison::test {

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison-e2e-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::map<std::string, std::string> env() const {
    return {{"LIAISON_TODAY", "2026-11-22"},
            {"LIAISON_USER_NAME", "Test Editor"},
            {"LIAISON_USER_EMAIL", "editor@example.org"},
            {"HOME", dir_.string()}};
  }

  // Runs `liaison -C <dir>/<copy> args...`.
  ProcessResult liaison(const std::vector<std::string>& args, const std::string& copy = "copy") {
    std::vector<std::string> argv{LIAISON_BIN, "-C", (dir_ / copy).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, env());
  }
  // Runs it and expects success; returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& copy = "copy") {
    auto r = liaison(args, copy);
    EXPECT_EQ(r.exit_code, 0) << "liaison " << join(args) << "\nstderr: " << r.err;
    return r.out;
  }
  nlohmann::json json(const std::vector<std::string>& args, const std::string& copy = "copy") {
    std::vector<std::string> a{"--json"};
    a.insert(a.end(), args.begin(), args.end());
    auto out = ok(a, copy);
    return nlohmann::json::parse(out);
  }
  void init(const std::string& copy = "copy", const std::string& org = "cis-atc") {
    auto r = run_process({LIAISON_BIN, "init", (dir_ / copy).string(), "--org", org}, env());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string head(const std::string& copy = "copy") { return json({"status"}, copy)["head"]; }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // The whole of a file the test wrote or had written.
  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static std::string join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += a + " ";
    return s;
  }
  static int count_lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }

  std::filesystem::path dir_;
};

}  // namespace liaison::test

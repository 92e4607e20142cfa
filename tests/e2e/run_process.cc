#include "tests/e2e/run_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace liaison::test {
namespace {

std::string temp_file(const char* tag) {
  static std::atomic<int> counter{0};
  return (std::filesystem::temp_directory_path() /
          ("liaison-proc-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + tag))
      .string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

BackgroundProcess start_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  BackgroundProcess p{-1, temp_file(".out"), temp_file(".err")};
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = open(p.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(p.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  p.pid = pid;
  return p;
}

ProcessResult finish_process(BackgroundProcess& p, int signal_to_send) {
  if (signal_to_send) kill(p.pid, signal_to_send);
  int status = 0;
  waitpid(p.pid, &status, 0);
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(p.out_path);
  r.err = slurp(p.err_path);
  std::filesystem::remove(p.out_path);
  std::filesystem::remove(p.err_path);
  return r;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& stdin_text) {
  if (!stdin_text.empty()) throw std::runtime_error("stdin input is not supported");
  auto p = start_process(argv, env);
  return finish_process(p);
}

}  // namespace liaison::test

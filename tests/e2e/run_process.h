// Test helper: runs a program with arguments and extra environment, waits
// for it, and returns its exit code, standard output and standard error.
// start() runs it in the background so a test can kill it mid-way.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace liaison::test {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& stdin_text = "");

struct BackgroundProcess {
  pid_t pid = -1;
  std::string out_path, err_path;
};
BackgroundProcess start_process(const std::vector<std::string>& argv,
                                const std::map<std::string, std::string>& env = {});
// Waits for the process (after an optional signal) and collects its output.
ProcessResult finish_process(BackgroundProcess& process, int signal_to_send = 0);

}  // namespace liaison::test

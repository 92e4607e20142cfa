#include "cli/graph.h"

#include <algorithm>

namespace liaison::cli {
namespace {

std::string row(std::size_t lanes, std::size_t mark_at, const char* mark) {
  std::string out;
  for (std::size_t i = 0; i < lanes; ++i) out += (i == mark_at ? std::string(mark) : std::string("|")) + " ";
  return out;
}

}  // namespace

std::string draw_graph(const std::vector<CommitInfo>& commits, const std::vector<std::string>& labels) {
  std::vector<CommitId> lanes;  // the commit each column waits for
  std::string out;
  for (std::size_t n = 0; n < commits.size(); ++n) {
    const auto& c = commits[n];
    auto it = std::find(lanes.begin(), lanes.end(), c.id);
    std::size_t col = it == lanes.end() ? lanes.size() : static_cast<std::size_t>(it - lanes.begin());
    if (it == lanes.end()) lanes.push_back(c.id);
    out += row(lanes.size(), col, "*") + labels[n] + "\n";
    // Other columns waiting for this commit end here.
    bool joined = false;
    for (std::size_t i = lanes.size(); i-- > col + 1;)
      if (lanes[i] == c.id) {
        lanes.erase(lanes.begin() + static_cast<long>(i));
        joined = true;
      }
    if (joined) out += row(lanes.size(), lanes.size(), "") + "\b/\n";
    if (c.parents.empty()) {
      lanes.erase(lanes.begin() + static_cast<long>(col));
      continue;
    }
    lanes[col] = c.parents[0];
    for (std::size_t p = 1; p < c.parents.size(); ++p) {
      if (std::find(lanes.begin(), lanes.end(), c.parents[p]) != lanes.end()) continue;
      lanes.insert(lanes.begin() + static_cast<long>(col + p), c.parents[p]);
      std::string line;
      for (std::size_t i = 0; i < lanes.size(); ++i) line += (i == col + p ? "\\" : "|") + std::string(" ");
      line = line.substr(0, line.find_last_not_of(' ') + 1);
      if (auto at = line.find("| \\"); at != std::string::npos) line.replace(at, 3, "|\\");
      out += line + "\n";
    }
  }
  // Trailing spaces are noise.
  std::string clean;
  std::size_t start = 0;
  while (start < out.size()) {
    auto end = out.find('\n', start);
    auto line = out.substr(start, end - start);
    auto bs = line.find("\b");
    if (bs != std::string::npos) line = line.substr(0, bs > 0 ? bs - 1 : 0) + line.substr(bs + 1);
    clean += line + "\n";
    start = end + 1;
  }
  return clean;
}

}  // namespace liaison::cli

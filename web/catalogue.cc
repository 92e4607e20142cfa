#include "web/catalogue.h"

#include <algorithm>
#include <memory>

#include "base/canonical_json.h"
#include "base/error.h"

namespace liaison::web {

namespace embedded {
const std::map<std::string, std::string_view>& files();
}

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool known(std::string_view language) {
  const auto& all = Catalogue::languages();
  return std::find(all.begin(), all.end(), language) != all.end();
}

}  // namespace

Catalogue::Catalogue(std::string language, std::string_view json) : language_(std::move(language)) {
  auto parsed = Json::parse(json);
  for (auto& [key, value] : parsed.items()) texts_.emplace(key, value.get<std::string>());
}

const std::vector<std::string>& Catalogue::languages() {
  static const std::vector<std::string> all = {"en", "ru"};
  return all;
}

const Catalogue& Catalogue::of(std::string_view language) {
  static const auto catalogues = [] {
    std::map<std::string, std::unique_ptr<Catalogue>, std::less<>> out;
    for (const auto& l : languages()) {
      auto it = embedded::files().find(l + ".json");
      if (it == embedded::files().end()) throw Failure("the web catalogue " + l + ".json is missing from the build");
      out.emplace(l, std::unique_ptr<Catalogue>(new Catalogue(l, it->second)));
    }
    return out;
  }();
  auto it = catalogues.find(language);
  return *(it == catalogues.end() ? catalogues.find("en") : it)->second;
}

std::string Catalogue::operator[](std::string_view key) const {
  auto it = texts_.find(key);
  return std::string(it == texts_.end() ? key : std::string_view(it->second));
}

std::string Catalogue::format(std::string_view key, std::string_view value) const {
  std::string text((*this)[key]);
  if (auto at = text.find("{}"); at != std::string::npos) text.replace(at, 2, value);
  return text;
}

std::string choose_language(std::string_view chosen, std::string_view accept_language) {
  if (known(chosen)) return std::string(chosen);
  // Accept-Language: "ru-RU,ru;q=0.9,en;q=0.8"; at most a few dozen ranges
  // are looked at.
  std::string best = "en";
  double best_q = -1;
  int looked = 0;
  while (!accept_language.empty() && looked++ < 32) {
    auto comma = accept_language.find(',');
    auto item = trim(accept_language.substr(0, comma));
    accept_language = comma == std::string_view::npos ? std::string_view() : accept_language.substr(comma + 1);
    double q = 1;
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      auto param = trim(item.substr(semi + 1));
      item = trim(item.substr(0, semi));
      if (param.starts_with("q=")) {
        try {
          q = std::stod(std::string(param.substr(2)));
        } catch (const std::exception&) {
          q = 0;
        }
      }
    }
    auto primary = lower(item.substr(0, item.find('-')));
    if (q > best_q && q > 0 && known(primary)) {
      best = primary;
      best_q = q;
    }
  }
  return best;
}

}  // namespace liaison::web

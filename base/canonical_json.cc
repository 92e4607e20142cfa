#include "base/canonical_json.h"

#include <set>
#include <vector>

#include "base/error.h"

namespace liaison {

namespace {

// A SAX pass that only looks for a key given twice in one object. nlohmann
// keeps the last of duplicate keys; liaison refuses them, so a record never
// silently loses a value. The plain parse and this pass cost a fraction of
// parsing with nlohmann's per-event callback (docs/PERFORMANCE.md).
// It also measures nesting: printing, copying and comparing a value recurse
// once per level, so a hostile "[[[[..." would overflow the stack.
class DuplicateKeyFinder : public nlohmann::json_sax<Json> {
 public:
  std::string duplicate;
  bool too_deep = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    keys_.emplace_back();
    return enter();
  }
  bool key(string_t& key) override {
    if (!keys_.back().insert(key).second && duplicate.empty()) duplicate = key;
    return duplicate.empty();
  }
  bool end_object() override {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool enter() {
    too_deep = ++depth_ > kMaxJsonDepth;
    return !too_deep;
  }

  std::vector<std::set<std::string>> keys_;  // of each object being read
  std::size_t depth_ = 0;
};

}  // namespace

Json parse_json(std::string_view text, std::string_view what) {
  Json value;
  try {
    value = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    std::string reason = e.what();
    auto pos = reason.find("] ");
    if (pos != std::string::npos) reason = reason.substr(pos + 2);
    throw UserError(std::string(what) + ": malformed JSON: " + reason);
  }
  DuplicateKeyFinder finder;
  Json::sax_parse(text.begin(), text.end(), &finder);
  if (finder.too_deep)
    throw UserError(std::string(what) + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!finder.duplicate.empty())
    throw UserError(std::string(what) + ": duplicate key \"" + finder.duplicate + "\"");
  return value;
}

std::string canonical_json(const Json& value) {
  // Json objects are std::map-backed, so keys already come out sorted.
  std::string out;
  try {
    out = value.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    throw UserError("record text is not valid UTF-8");
  }
  out.push_back('\n');
  return out;
}

}  // namespace liaison

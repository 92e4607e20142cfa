#include "base/canonical_json.h"

#include <optional>
#include <vector>

#include "base/error.h"

namespace liaison {

namespace {

// Builds the value in one SAX pass, refusing what a plain parse would let
// through: a key given twice in one object (nlohmann keeps the last;
// liaison refuses them, so a record never silently loses a value), and
// nesting deeper than kMaxJsonDepth (printing, copying and comparing a value
// recurse once per level, so a hostile "[[[[..." would overflow the stack).
// Its calls are resolved at compile time (no json_sax<> virtuals): one pass
// costs less than a plain parse followed by a checking pass.
class CheckedBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  Json root;
  std::string duplicate;
  bool too_deep = false;
  std::optional<std::string> error;

  bool null() { return put(nullptr) != nullptr; }
  bool boolean(bool v) { return put(v) != nullptr; }
  bool number_integer(number_integer_t v) { return put(v) != nullptr; }
  bool number_unsigned(number_unsigned_t v) { return put(v) != nullptr; }
  bool number_float(number_float_t v, const string_t&) { return put(v) != nullptr; }
  bool string(string_t& v) { return put(std::move(v)) != nullptr; }
  bool binary(binary_t& v) { return put(Json::binary(std::move(v))) != nullptr; }
  bool start_object(std::size_t) { return enter(Json::object()); }
  bool key(string_t& k) {
    auto& object = *stack_.back();
    if (object.contains(k)) {
      duplicate = k;
      return false;
    }
    slot_ = &object[k];
    return true;
  }
  bool end_object() { return leave(); }
  bool start_array(std::size_t) { return enter(Json::array()); }
  bool end_array() { return leave(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error = e.what();
    return false;
  }

 private:
  // Where the next value goes: the root, an object's slot for the last
  // key, or the end of an array.
  Json* put(Json&& value) {
    if (stack_.empty()) {
      root = std::move(value);
      return &root;
    }
    auto& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    *slot_ = std::move(value);
    return slot_;
  }
  bool enter(Json&& container) {
    if (stack_.size() + 1 > kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    stack_.push_back(put(std::move(container)));
    return true;
  }
  bool leave() {
    stack_.pop_back();
    return true;
  }

  std::vector<Json*> stack_;  // the containers being read, innermost last
  Json* slot_ = nullptr;
};

}  // namespace

Json parse_json(std::string_view text, std::string_view what) {
  CheckedBuilder builder;
  bool ok = Json::sax_parse(text.begin(), text.end(), &builder);
  if (builder.too_deep)
    throw UserError(std::string(what) + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!builder.duplicate.empty())
    throw UserError(std::string(what) + ": duplicate key \"" + builder.duplicate + "\"");
  if (!ok || builder.error) {
    std::string reason = builder.error.value_or("syntax error");
    auto pos = reason.find("] ");
    if (pos != std::string::npos) reason = reason.substr(pos + 2);
    throw UserError(std::string(what) + ": malformed JSON: " + reason);
  }
  return std::move(builder.root);
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

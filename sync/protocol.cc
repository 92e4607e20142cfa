#include "sync/protocol.h"

#include "base/canonical_json.h"
#include "base/decode_limits.h"
#include "base/error.h"

namespace liaison::sync {

std::string encode_push(const PushRequest& push) {
  Json header = {{"base", push.base}, {"head", push.head}};
  return header.dump() + "\n" + push.patches;
}

PushRequest decode_push(std::string_view body) {
  // Two ids and their names: a longer line is not a push header.
  constexpr std::size_t kMaxHeaderBytes = 1024;
  auto eol = body.substr(0, kMaxHeaderBytes + 1).find('\n');
  if (eol == std::string_view::npos)
    throw UserError(body.size() > kMaxHeaderBytes ? "push header is too long" : "push body has no header line");
  Json header = parse_json(body.substr(0, eol), "push header");
  PushRequest out;
  try {
    out.base = header.at("base").get<std::string>();
    out.head = header.at("head").get<std::string>();
  } catch (const Json::exception&) {
    throw UserError("push header needs \"base\" and \"head\" strings");
  }
  if (!is_commit_id(out.head)) throw UserError("push header: \"head\" is not a commit id");
  if (!out.base.empty() && !is_commit_id(out.base)) throw UserError("push header: \"base\" is not a commit id");
  out.patches = std::string(body.substr(eol + 1));
  return out;
}

}  // namespace liaison::sync

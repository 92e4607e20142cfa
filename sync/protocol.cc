#include "sync/protocol.h"

#include "core/canonical_json.h"
#include "core/error.h"

namespace liaison::sync {

std::string encode_push(const PushRequest& push) {
  Json header = {{"base", push.base}, {"head", push.head}};
  return header.dump() + "\n" + push.patches;
}

PushRequest decode_push(std::string_view body) {
  auto eol = body.find('\n');
  if (eol == std::string_view::npos) throw UserError("push body has no header line");
  Json header = parse_json(body.substr(0, eol), "push header");
  PushRequest out;
  try {
    out.base = header.at("base").get<std::string>();
    out.head = header.at("head").get<std::string>();
  } catch (const Json::exception&) {
    throw UserError("push header needs \"base\" and \"head\" strings");
  }
  out.patches = std::string(body.substr(eol + 1));
  return out;
}

}  // namespace liaison::sync

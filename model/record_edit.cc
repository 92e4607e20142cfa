#include "model/record_edit.h"

#include <algorithm>

#include "base/error.h"
#include "model/record.h"

namespace liaison {

Json apply_edits(Kind kind, Json record, const std::vector<FieldEdit>& edits) {
  const auto& ks = spec(kind);
  // A set given with --email a --email b replaces the set once, then adds:
  // members keep the order given, so giving the set again in a new order
  // is how a member becomes the preferred (first) one. --add-email appends.
  std::vector<std::string> replaced;
  for (const auto& edit : edits) {
    const FieldSpec* field = ks.field(edit.field);
    if (!field) throw UserError(std::string(ks.name) + " has no field '" + edit.field + "'");
    if (edit.op == FieldEdit::Op::Unset) {
      if (field->required) throw UserError(edit.field + ": is required and cannot be unset");
      record.erase(edit.field);
      continue;
    }
    Json value = parse_value(*field, edit.value);
    if (!field->is_set) {
      if (edit.op != FieldEdit::Op::Set) throw UserError(edit.field + ": is not a set; give a single value");
      record[edit.field] = value;
      continue;
    }
    Json members = record.contains(edit.field) ? record[edit.field] : Json::array();
    if (edit.op == FieldEdit::Op::Set &&
        std::find(replaced.begin(), replaced.end(), edit.field) == replaced.end()) {
      members = Json::array();
      replaced.push_back(edit.field);
    }
    auto it = std::find(members.begin(), members.end(), value);
    if (edit.op == FieldEdit::Op::Remove) {
      if (it == members.end())
        throw UserError(edit.field + ": '" + value.get<std::string>() + "' is not in the set");
      members.erase(it);
    } else if (it == members.end()) {
      members.push_back(value);
    }
    if (members.empty()) record.erase(edit.field);
    else record[edit.field] = members;
  }
  return record;
}

}  // namespace liaison

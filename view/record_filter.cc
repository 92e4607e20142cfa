#include "view/record_filter.h"

#include <algorithm>

#include "base/error.h"
#include "model/reference_data.h"

namespace liaison {

namespace {

// The members of a set field, or the value of a scalar one.
std::vector<std::string> values(const Json& record, const char* field) {
  std::vector<std::string> out;
  auto it = record.find(field);
  if (it == record.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());
  if (it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

bool any_in(const std::vector<std::string>& candidates, auto&& accept) {
  return std::any_of(candidates.begin(), candidates.end(), accept);
}

}  // namespace

RecordMatcher::RecordMatcher(View& view, RecordFilter filter) : view_(view), filter_(std::move(filter)) {
  if (filter_.area) {
    auto st = view_.db().prepare(
        "WITH RECURSIVE tree(code) AS (SELECT ?1 UNION SELECT a.id FROM areas a JOIN tree ON a.parent = tree.code)"
        " SELECT code FROM tree WHERE code IN (SELECT id FROM areas)");
    st.bind(1, *filter_.area);
    while (st.step()) areas_.insert(st.text(0));
    if (areas_.empty()) throw UserError("--area: unknown thematic area '" + *filter_.area + "'");
  }
  if (filter_.state && !find_state(*filter_.state))
    throw UserError("--state: '" + *filter_.state + "' is not an ISO 3166 state code");
  if (filter_.region) {
    bool known = std::any_of(states().begin(), states().end(), [&](const auto& s) {
      return s.second.region == *filter_.region || s.second.subregion == *filter_.region;
    });
    if (!known) throw UserError("--region: unknown region '" + *filter_.region + "' (a UN M49 region or sub-region)");
  }
  if (filter_.priority && *filter_.priority != "high" && *filter_.priority != "medium" && *filter_.priority != "low")
    throw UserError("--priority: '" + *filter_.priority + "' is not high, medium or low");
}

std::vector<std::string> RecordMatcher::states_of(Kind kind, const Json& record) {
  switch (kind) {
    case Kind::Need: return values(record, "state");
    case Kind::Offer: return values(record, "recipients");
    case Kind::Org: return values(record, "countries");
    case Kind::Contact: {
      auto org = record.find("org");
      if (org == record.end() || !org->is_string()) return {};
      auto found = view_.get(Kind::Org, org->get<std::string>());
      return found ? values(*found, "countries") : std::vector<std::string>{};
    }
    case Kind::Area: return {};
  }
  return {};
}

bool RecordMatcher::matches(Kind kind, const Json& record) {
  if (!filter_.kinds.empty() && std::find(filter_.kinds.begin(), filter_.kinds.end(), kind) == filter_.kinds.end())
    return false;
  if (filter_.org) {
    std::vector<std::string> owners;
    switch (kind) {
      case Kind::Contact:
      case Kind::Need: owners = values(record, "org"); break;
      case Kind::Offer:
        owners = values(record, "provider");
        for (auto& f : values(record, "funder")) owners.push_back(f);
        break;
      case Kind::Org:
        owners = values(record, "parent");
        for (auto& s : values(record, "slug")) owners.push_back(s);
        break;
      case Kind::Area: break;
    }
    if (!any_in(owners, [&](const std::string& o) { return o == *filter_.org; })) return false;
  }
  if (filter_.area) {
    std::vector<std::string> areas;
    switch (kind) {
      case Kind::Contact:
      case Kind::Offer: areas = values(record, "areas"); break;
      case Kind::Need: areas = values(record, "area"); break;
      case Kind::Area: areas = values(record, "code"); break;
      case Kind::Org: break;
    }
    if (!any_in(areas, [&](const std::string& a) { return areas_.count(a) > 0; })) return false;
  }
  if (filter_.state || filter_.region) {
    auto held = states_of(kind, record);
    if (filter_.state && !any_in(held, [&](const std::string& s) { return s == *filter_.state; })) return false;
    if (filter_.region && !any_in(held, [&](const std::string& s) {
          const auto* state = find_state(s);
          return state && (state->region == *filter_.region || state->subregion == *filter_.region);
        }))
      return false;
  }
  if (filter_.priority) {
    if (kind != Kind::Need) return false;
    // An absent priority is the kind's default.
    auto priority = record.value("priority", std::string("medium"));
    if (priority != *filter_.priority) return false;
  }
  return true;
}

}  // namespace liaison

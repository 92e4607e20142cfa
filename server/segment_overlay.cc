#include "server/segment_overlay.h"

#include "base/canonical_json.h"
#include "server/segment_deriver.h"

namespace liaison::server {
namespace {

bool can_hide(Kind kind) { return !spec(kind).default_visibility.empty(); }

// One record a commit changes, as its texts and, where they are not shown
// as stored, as parsed and projected.
struct Change {
  Kind kind = Kind::Contact;
  std::optional<std::string> before_text, after_text;
  bool stored_before = true, stored_after = true;  // shown as stored (or absent)
  std::optional<Json> before, after;
  std::optional<Json> partners_before, partners_after;
  std::map<std::string, std::optional<Json>> org_before, org_after;  // where they differ from the partners'
};

std::optional<Json> parsed(const std::optional<std::string>& text, const std::string& path) {
  if (!text) return std::nullopt;
  return parse_json(*text, path);
}

}  // namespace

const Audience& OrgOverlays::org_audience(const std::string& slug) {
  auto it = audiences_.find(slug);
  if (it == audiences_.end()) it = audiences_.emplace(slug, Audience::of_org(slug)).first;
  return it->second;
}

void OrgOverlays::hold(const std::string& path, Kind kind, const std::optional<std::string>& text) {
  held_.erase(path);
  if (!can_hide(kind)) return;
  if (!text) {
    present_.erase(path);
    return;
  }
  present_.insert(path);
  if (shown_as_stored(Audience::partners(), kind, *text)) return;
  auto record = parse_json(*text, path);
  auto beyond = orgs_beyond_partners(kind, record);
  held_.emplace(path, Held{kind, std::move(record), std::move(beyond)});
}

void OrgOverlays::move_to(const std::optional<CommitId>& commit) {
  if (started_ && at_ == commit) return;
  if (!commit || !started_ || !at_) {
    held_.clear();
    present_.clear();
  }
  if (commit) {
    auto from = started_ ? at_ : std::nullopt;
    for (const auto& d : central_.diff_blobs(from, *commit)) {
      auto key = parse_record_path(d.path);
      if (!key) continue;
      hold(d.path, key->kind, d.new_blob ? std::optional(central_.read_blob(*d.new_blob)) : std::nullopt);
    }
  }
  started_ = true;
  at_ = commit;
}

bool OrgOverlays::sees(const Audience& audience, Kind kind, const std::string& id) const {
  auto path = record_path(kind, id);
  if (auto it = held_.find(path); it != held_.end()) return may_see(audience, kind, it->second.record);
  // Shown as stored: every organization and the partners see it.
  return present_.count(path) > 0;
}

std::optional<Json> OrgOverlays::project(const Audience& audience, Kind kind, const Json& record) const {
  return project_record(audience, kind, record,
                        [&](Kind k, const std::string& id) { return sees(audience, k, id); });
}

std::set<std::string> OrgOverlays::concerned(Kind kind, const Json& record, const std::vector<std::string>& beyond,
                                             const std::set<std::string>& wanted) const {
  std::set<std::string> out;
  for (const auto& org : beyond)
    if (wanted.count(org)) out.insert(org);
  if (!refers_to_hideable(kind)) return out;
  for (const auto& ref : references_of(kind, record)) {
    auto it = held_.find(record_path(ref.to, ref.id));
    if (it == held_.end()) continue;
    for (const auto& org : it->second.beyond)
      if (wanted.count(org)) out.insert(org);
  }
  return out;
}

void OrgOverlays::project_side(Kind kind, const std::optional<Json>& record, bool stored,
                               const std::set<std::string>& orgs, std::optional<Json>& to_partners,
                               std::map<std::string, std::optional<Json>>& to_orgs) {
  if (stored) {
    to_partners = record;
    return;
  }
  to_partners = project(Audience::partners(), kind, *record);
  for (const auto& org : concerned(kind, *record, orgs_beyond_partners(kind, *record), orgs))
    to_orgs[org] = project(org_audience(org), kind, *record);
}

OrgOverlays::Views OrgOverlays::views(const CommitInfo& info, const std::set<std::string>& orgs,
                                      DerivedCommits& made) {
  if (info.parents.size() > 1) throw Failure("org overlays: " + short_commit(info.id) + " is a merge");
  std::optional<CommitId> first = info.parents.empty() ? std::nullopt : std::optional(info.parents[0]);
  move_to(first);
  const auto partners = Audience::partners();

  // What the commit changes, projected on the parent's side first, while
  // the records held are the parent's.
  std::map<std::string, Change> changes;
  for (const auto& d : central_.diff_blobs(first, info.id)) {
    auto key = parse_record_path(d.path);
    if (!key) continue;
    Change ch;
    ch.kind = key->kind;
    if (d.old_blob) ch.before_text = central_.read_blob(*d.old_blob);
    if (d.new_blob) ch.after_text = central_.read_blob(*d.new_blob);
    ch.stored_before = !ch.before_text || shown_as_stored(partners, ch.kind, *ch.before_text);
    ch.stored_after = !ch.after_text || shown_as_stored(partners, ch.kind, *ch.after_text);
    if (!ch.stored_before || !ch.stored_after) {
      ch.before = parsed(ch.before_text, d.path);
      ch.after = parsed(ch.after_text, d.path);
    }
    project_side(ch.kind, ch.before, ch.stored_before, orgs, ch.partners_before, ch.org_before);
    changes.emplace(d.path, std::move(ch));
  }
  for (const auto& [path, ch] : changes) hold(path, ch.kind, ch.after_text);
  at_ = info.id;

  // Then on the commit's side, and what each audience sees change.
  Views out;
  std::map<std::string, long> count_delta, unfaithful_delta;
  long partners_unfaithful = 0;
  for (auto& entry : changes) {
    auto& ch = entry.second;  // a plain reference: lambdas below capture it
    if (ch.stored_before && ch.stored_after) {
      ++out.partners.count;  // shown as stored on both sides, to every organization
      continue;
    }
    project_side(ch.kind, ch.after, ch.stored_after, orgs, ch.partners_after, ch.org_after);
    auto unfaithful = [&](const std::optional<Json>& b, const std::optional<Json>& a) {
      return b != ch.before || a != ch.after;
    };
    bool partners_counts = ch.partners_before != ch.partners_after;
    bool partners_unfaithful_here = unfaithful(ch.partners_before, ch.partners_after);
    out.partners.count += partners_counts;
    partners_unfaithful += partners_unfaithful_here;
    std::set<std::string> concerned_orgs;
    for (const auto& [org, shown] : ch.org_before) concerned_orgs.insert(org);
    for (const auto& [org, shown] : ch.org_after) concerned_orgs.insert(org);
    for (const auto& org : concerned_orgs) {
      auto b = ch.org_before.count(org) ? ch.org_before[org] : ch.partners_before;
      auto a = ch.org_after.count(org) ? ch.org_after[org] : ch.partners_after;
      count_delta[org] += static_cast<long>(b != a) - static_cast<long>(partners_counts);
      unfaithful_delta[org] += static_cast<long>(unfaithful(b, a)) - static_cast<long>(partners_unfaithful_here);
    }
  }
  out.partners.faithful = partners_unfaithful == 0;

  // Each organization's overlay: the records held it sees otherwise than
  // the partners, as it sees them.
  for (const auto& [path, h] : held_) {
    auto concerned_orgs = concerned(h.kind, h.record, h.beyond, orgs);
    if (concerned_orgs.empty()) continue;
    auto shown_to_partners = project(partners, h.kind, h.record);
    for (const auto& org : concerned_orgs) {
      auto shown = project(org_audience(org), h.kind, h.record);
      if (shown == shown_to_partners) continue;
      auto& view = out.orgs[org];
      view.overlay.push_back({path, shown ? std::optional(made.blob(canonical_json(*shown))) : std::nullopt});
    }
  }
  for (const auto& [org, delta] : count_delta) out.orgs[org];
  for (auto& [org, view] : out.orgs) {
    view.count = static_cast<std::size_t>(static_cast<long>(out.partners.count) + count_delta[org]);
    view.faithful = partners_unfaithful + unfaithful_delta[org] == 0;
  }
  return out;
}

}  // namespace liaison::server

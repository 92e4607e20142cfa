// Randomized property test of the merge: three copies of one directory make
// random edits (add records, change fields, add and remove set members,
// remove records, put a set member first), merge pairwise in random orders
// with conflicts settled by a fixed rule, and after each merge must hold exactly what a simple
// in-memory model of the merge semantics says. At the end everyone pulls
// from everyone and every copy must have the same head tree.
// Seeded and reproducible; the seed is printed on failure.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "store/exchange.h"
#include "store/merge_session.h"
#include "store/store.h"
#include "git/git_handles.h"
#include "tests/unit/temp_copy.h"

namespace liaison {
namespace {

// The model: a contact is its scalar fields and two sets, each in its order
// (the first member is the preferred one).
using Members = std::vector<std::string>;
struct ModelContact {
  std::map<std::string, std::string> scalars;  // role, unit, hours
  Members emails, languages;
  bool operator==(const ModelContact&) const = default;
};
using Model = std::map<std::string, ModelContact>;

const std::vector<std::string> kScalarFields = {"role", "unit", "hours"};
const std::vector<std::string> kLanguages = {"en", "ru", "fr", "ar", "zh", "es"};

Json to_record(const std::string& id, const ModelContact& m) {
  Json r = {{"id", id}, {"org", "cis-atc"}, {"status", "active"}};
  for (const auto& [k, v] : m.scalars) r[k] = v;
  if (!m.emails.empty()) r["emails"] = m.emails;
  if (!m.languages.empty()) r["languages"] = m.languages;
  return r;
}

ModelContact from_record(const Json& r) {
  ModelContact m;
  for (const auto& f : kScalarFields)
    if (r.contains(f)) m.scalars[f] = r[f];
  for (const auto& e : r.value("emails", Json::array())) m.emails.push_back(e.get<std::string>());
  for (const auto& l : r.value("languages", Json::array())) m.languages.push_back(l.get<std::string>());
  return m;
}

bool has(const Members& set, const std::string& x) { return std::find(set.begin(), set.end(), x) != set.end(); }

// A side "kept the order" when it only removed members and appended new ones.
bool kept_order(const Members& b, const Members& side) {
  Members expected;
  for (const auto& x : b)
    if (has(side, x)) expected.push_back(x);
  for (const auto& x : side)
    if (!has(b, x)) expected.push_back(x);
  return expected == side;
}

// Members from both sides unless removed on either; in the order of the side
// that changed it (else the side whose survivors sort first), then the
// other side's additions.
Members merge_set(const Members& b, const Members& o, const Members& t) {
  auto survivors = [&](const Members& side) {
    Members out;
    for (const auto& x : side)
      if (!(has(b, x) && (!has(o, x) || !has(t, x)))) out.push_back(x);
    return out;
  };
  Members os = survivors(o), ts = survivors(t);
  bool ko = kept_order(b, o), kt = kept_order(b, t);
  bool theirs_lead = ko != kt ? ko : ts < os;
  Members out = theirs_lead ? ts : os;
  for (const auto& x : theirs_lead ? os : ts)
    if (!has(out, x)) out.push_back(x);
  return out;
}

// What merging `theirs` into `ours` over `base` must give, conflicts settled
// by the test's rule: a changed field conflict takes theirs; a record removed
// on one side and changed on the other is kept.
Model model_merge(const Model& base, const Model& ours, const Model& theirs) {
  std::set<std::string> ids;
  for (const auto* m : {&base, &ours, &theirs})
    for (const auto& [id, c] : *m) ids.insert(id);
  Model out;
  auto get = [](const Model& m, const std::string& id) -> std::optional<ModelContact> {
    auto it = m.find(id);
    return it == m.end() ? std::nullopt : std::optional(it->second);
  };
  for (const auto& id : ids) {
    auto b = get(base, id), o = get(ours, id), t = get(theirs, id);
    std::optional<ModelContact> r;
    if (o == t) r = o;
    else if (o == b) r = t;
    else if (t == b) r = o;
    else if (!o || !t) r = o ? o : t;
    else {
      ModelContact m;
      ModelContact bb = b.value_or(ModelContact{});
      for (const auto& f : kScalarFields) {
        auto val = [&](const ModelContact& c) -> std::optional<std::string> {
          auto it = c.scalars.find(f);
          return it == c.scalars.end() ? std::nullopt : std::optional(it->second);
        };
        auto bv = val(bb), ov = val(*o), tv = val(*t);
        std::optional<std::string> v = (ov == tv || tv == bv) ? ov : tv;  // conflicts take theirs
        if (v) m.scalars[f] = *v;
      }
      m.emails = merge_set(bb.emails, o->emails, t->emails);
      m.languages = merge_set(bb.languages, o->languages, t->languages);
      r = m;
    }
    if (r) out[id] = *r;
  }
  return out;
}

class MergeProperty : public ::testing::TestWithParam<unsigned> {
 protected:
  struct Copy {
    std::string name;
    std::optional<Store> store;
    Model model;
  };

  std::string head(Copy& c) { return *c.store->history().head(); }

  Model real_model(Copy& c) {
    Model m;
    auto st = c.store->view().db().prepare("SELECT json FROM contacts");
    while (st.step()) {
      auto r = Json::parse(st.text(0));
      m[r["id"]] = from_record(r);
    }
    return m;
  }

  void commit(Copy& c, const std::string& id, const std::optional<ModelContact>& value) {
    std::optional<Json> rec;
    if (value) rec = to_record(id, *value);
    c.store->commit({{Kind::Contact, id, rec}}, "");
    if (value) c.model[id] = *value;
    else c.model.erase(id);
    snapshots[head(c)] = c.model;
  }

  void random_edit(Copy& c) {
    std::uniform_int_distribution<int> op(0, 11);
    auto pick_existing = [&]() -> std::string {
      if (c.model.empty()) return "";
      auto it = c.model.begin();
      std::advance(it, static_cast<long>(rng() % c.model.size()));
      return it->first;
    };
    int o = op(rng);
    std::string id = pick_existing();
    if (o == 0 || id.empty()) {
      char buf[33];
      std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                    static_cast<unsigned long long>(rng()));
      ModelContact m;
      m.scalars["role"] = "role " + std::to_string(rng() % 1000);
      m.emails.push_back("p" + std::to_string(rng() % 50) + "@example.org");
      commit(c, buf, m);
      return;
    }
    ModelContact m = c.model[id];
    auto add = [](Members& set, const std::string& x) {
      if (!has(set, x)) set.push_back(x);
    };
    auto erase_one = [&](Members& set) {
      if (!set.empty()) set.erase(std::next(set.begin(), static_cast<long>(rng() % set.size())));
    };
    auto put_one_first = [&](Members& set) {
      if (set.size() < 2) return;
      auto it = std::next(set.begin(), static_cast<long>(rng() % set.size()));
      std::rotate(set.begin(), it, std::next(it));
    };
    switch (o) {
      case 1: case 2: case 3:
        m.scalars[kScalarFields[rng() % kScalarFields.size()]] = "v" + std::to_string(rng() % 5);
        break;
      case 4: case 5:
        add(m.emails, "p" + std::to_string(rng() % 8) + "@example.org");
        break;
      case 6:
        erase_one(m.emails);
        break;
      case 7:
        add(m.languages, kLanguages[rng() % kLanguages.size()]);
        break;
      case 8:
        erase_one(m.languages);
        break;
      case 9:
        commit(c, id, std::nullopt);
        return;
      case 10:
        put_one_first(m.emails);
        break;
      case 11:
        put_one_first(m.languages);
        break;
    }
    if (m == c.model[id]) return;
    commit(c, id, m);
  }

  void pull(Copy& into, Copy& from) {
    auto theirs = fetch_from_copy(*into.store, dir / from.name);
    auto base_id = into.store->history().merge_base(head(into), theirs);
    ASSERT_TRUE(base_id);
    Model expected = model_merge(snapshots.at(*base_id), into.model, snapshots.at(theirs));
    auto outcome = start_merge(*into.store, theirs, from.name);
    if (outcome.result == MergeOutcome::Result::Conflicts) {
      auto m = pending_merge(*into.store);
      for (const auto& conflict : m->conflicts) {
        Side side = Side::Theirs;
        if (conflict.field == kWholeRecord) side = conflict.ours.is_null() ? Side::Theirs : Side::Ours;
        resolve_conflict(*into.store, {conflict.kind, conflict.id}, conflict.field, side, std::nullopt);
      }
      merge_continue(*into.store);
    }
    into.model = expected;
    snapshots[head(into)] = expected;
    ASSERT_EQ(real_model(into), expected) << into.name << " pulled " << from.name;
  }

  test::TempDir dir;
  std::mt19937_64 rng;
  std::map<std::string, Model> snapshots;  // commit id -> model at that commit
};

TEST_P(MergeProperty, RandomEditsMergeAsTheModelSaysAndConverge) {
  unsigned seed = GetParam();
  SCOPED_TRACE("seed " + std::to_string(seed));
  rng.seed(seed);
  Copy hq{"hq", Store::init(dir / "hq", {"un-ctc", std::nullopt, true}), {}};
  snapshots[head(hq)] = {};
  for (int i = 0; i < 6; ++i) random_edit(hq);
  std::vector<Copy> copies;
  for (const char* name : {"a", "b", "c"}) {
    copies.push_back({name, clone_copy(dir / "hq", dir / name, std::string("cis-atc")), hq.model});
  }
  for (int round = 0; round < 6; ++round) {
    for (auto& c : copies) {
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) random_edit(c);
    }
    for (int m = 0; m < 2; ++m) {
      std::size_t x = rng() % copies.size(), y = (x + 1 + rng() % (copies.size() - 1)) % copies.size();
      pull(copies[x], copies[y]);
      if (HasFatalFailure()) return;
    }
  }
  // Everyone pulls from everyone: first a gathers, then the others.
  pull(copies[0], copies[1]);
  pull(copies[0], copies[2]);
  pull(copies[1], copies[0]);
  pull(copies[2], copies[0]);
  if (HasFatalFailure()) return;
  auto tree = [&](Copy& c) {
    git_oid oid;
    git_oid_fromstr(&oid, head(c).c_str());
    git_commit* commit = nullptr;
    git_commit_lookup(&commit, c.store->history().raw(), &oid);
    auto t = oid_hex(*git_commit_tree_id(commit));
    git_commit_free(commit);
    return t;
  };
  EXPECT_EQ(tree(copies[0]), tree(copies[1]));
  EXPECT_EQ(tree(copies[0]), tree(copies[2]));
  for (auto& c : copies) EXPECT_TRUE(c.store->doctor().ok()) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Seeds, MergeProperty, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u));

}  // namespace
}  // namespace liaison

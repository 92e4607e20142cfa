// gen_directory: writes a deterministic synthetic directory for benchmarks.
//   gen_directory OUT_DIR CONTACTS [NEEDS OFFERS ORGS SEED]
// Produces OUT_DIR/orgs.csv, contacts.csv, needs.csv and offers.csv in the
// format `liaison import` reads. The same arguments always give the same
// bytes. All people are invented; emails are at example.org.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

const std::vector<std::string> kAreas = {
    "legislation", "cft", "cft-fiu", "border", "border-api-pnr", "border-document-security", "law-enforcement",
    "judicial", "judicial-mla", "transport-aviation", "infrastructure", "nonproliferation", "info-sharing",
    "victims", "pve", "pve-online"};
const std::vector<std::string> kStates = {"KZ", "KG", "TJ", "UZ", "TM", "AM", "AZ", "BY", "RU", "MD", "GE", "UA",
                                          "NG", "KE", "ML", "NE", "TD", "SO", "ID", "PH", "MY", "TH", "PK", "IQ",
                                          "JO", "TN", "MA", "EG", "BF", "CM"};
const std::vector<std::string> kFirst = {"Anna", "Timur", "Aliya", "Sergei", "Nodira", "Karim", "Lena", "Omar",
                                         "Yuki", "Maria", "Руслан", "Гульнара", "Алексей", "Ольга", "أحمد", "فاطمة",
                                         "李", "王", "Amina", "Pierre"};
const std::vector<std::string> kLast = {"Sadykova", "Bekov", "Ivanova", "Rahimov", "Nazarova", "Petrenko", "Diallo",
                                        "Haddad", "Tanaka", "Lopez", "Орлов", "Садыкова", "Ким", "الحسن", "明",
                                        "伟", "Okafor", "Mensah", "Durand", "Novak"};
const std::vector<std::string> kRoles = {"Focal point for border security", "Head of counter-terrorism unit",
                                         "Liaison officer", "Legal adviser", "Financial intelligence analyst",
                                         "Duty officer", "Programme manager", "Customs liaison officer"};
const std::vector<std::string> kLanguages = {"en", "ru", "fr", "ar", "zh", "es", "kk", "uz", "ky", "tg"};
// Prefix and how many digits complete a valid number there.
const std::vector<std::pair<std::string, int>> kPhonePlans = {
    {"+7495", 7}, {"+7727", 7}, {"+996312", 6}, {"+99871", 7}, {"+4312", 6}, {"+33472", 6}, {"+1202", 7}};
const std::vector<std::string> kNeedStatus = {"open", "open", "open", "open", "matched", "in-progress",
                                              "fulfilled", "withdrawn"};
const std::vector<std::string> kOfferKinds = {"training", "equipment", "legislative-drafting", "expert-mission",
                                              "mentoring", "funding"};

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_directory OUT_DIR CONTACTS [NEEDS OFFERS ORGS SEED]\n");
    return 1;
  }
  std::filesystem::path out = argv[1];
  long contacts = std::stol(argv[2]);
  long needs = argc > 3 ? std::stol(argv[3]) : contacts / 5;
  long offers = argc > 4 ? std::stol(argv[4]) : contacts / 10;
  long orgs = argc > 5 ? std::stol(argv[5]) : 300;
  unsigned long seed = argc > 6 ? std::stoul(argv[6]) : 20261122;
  std::filesystem::create_directories(out);
  std::mt19937_64 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  auto hex_id = [&] {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return std::string(buf);
  };
  auto date = [&](int from_year, int to_year) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", from_year + static_cast<int>(rng() % (to_year - from_year + 1)),
                  1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
    return std::string(buf);
  };
  auto digits = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };

  std::vector<std::string> org_slugs;
  {
    std::ofstream f(out / "orgs.csv");
    f << "slug,name,acronym,kind,countries,website\n";
    for (long i = 0; i < orgs; ++i) {
      char slug[32];
      std::snprintf(slug, sizeof slug, "gen-org-%04ld", i);
      org_slugs.push_back(slug);
      f << slug << ",Synthetic Organization " << i << ",SO" << i << ","
        << (i % 7 == 0 ? "donor" : i % 3 == 0 ? "regional" : "national") << "," << pick(kStates) << ";"
        << pick(kStates) << ",https://" << slug << ".example.org\n";
    }
  }
  {
    std::ofstream f(out / "contacts.csv");
    f << "id,org,role,name,emails,phones,languages,available_24_7,areas,last_verified,verified_by,status\n";
    for (long i = 0; i < contacts; ++i) {
      std::string first = pick(kFirst), last = pick(kLast);
      const auto& plan = kPhonePlans[rng() % kPhonePlans.size()];
      std::string phone = plan.first + digits(plan.second);
      f << hex_id() << "," << pick(org_slugs) << "," << pick(kRoles) << "," << csv_cell(first + " " + last) << ","
        << "contact" << i << "@example.org" << (i % 3 == 0 ? ";desk" + std::to_string(i) + "@example.org" : "")
        << "," << phone << "," << pick(kLanguages) << (i % 2 ? ";en" : "") << "," << (i % 5 == 0 ? "true" : "false")
        << "," << pick(kAreas) << (i % 4 == 0 ? ";" + pick(kAreas) : "") << "," << date(2020, 2026) << ","
        << "Verifier " << (i % 50) << "," << (i % 20 == 0 ? "inactive" : "active") << "\n";
    }
  }
  std::vector<std::string> need_ids;
  {
    std::ofstream f(out / "needs.csv");
    f << "id,org,state,area,title,priority,status,raised,source\n";
    static const char* priorities[] = {"high", "medium", "low"};
    for (long i = 0; i < needs; ++i) {
      need_ids.push_back(hex_id());
      f << need_ids.back() << "," << pick(org_slugs) << "," << pick(kStates) << "," << pick(kAreas)
        << ",Synthetic need " << i << "," << priorities[rng() % 3] << "," << pick(kNeedStatus) << ","
        << date(2019, 2026) << ",assessment\n";
    }
  }
  {
    std::ofstream f(out / "offers.csv");
    f << "id,provider,title,kind,areas,recipients,needs,status,start\n";
    for (long i = 0; i < offers; ++i) {
      f << hex_id() << "," << pick(org_slugs) << ",Synthetic offer " << i << "," << pick(kOfferKinds) << ","
        << pick(kAreas) << "," << pick(kStates) << "," << (need_ids.empty() ? "" : need_ids[rng() % need_ids.size()])
        << "," << (i % 2 ? "ongoing" : "planned") << "," << date(2023, 2026) << "\n";
    }
  }
  return 0;
}

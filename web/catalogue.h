// The interface text of the web pages, one catalogue per language
// (data/web/LANG.json: key -> text), and the choice of a language from the
// visitor's switch or Accept-Language. Every catalogue has the same keys
// (a unit test holds them to it); a key missing from one is a build's bug,
// shown as the key itself rather than failing the page.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::web {

class Catalogue {
 public:
  // The catalogue of `language` ("en", "ru"); English for any other.
  static const Catalogue& of(std::string_view language);
  // The languages there are catalogues for, English first.
  static const std::vector<std::string>& languages();

  const std::string& language() const { return language_; }
  // The text of `key`; `key` itself when the catalogue lacks it (a copy:
  // the key may be a temporary).
  std::string operator[](std::string_view key) const;
  bool has(std::string_view key) const { return texts_.find(key) != texts_.end(); }
  // The text of `key` with "{}" replaced by `value`.
  std::string format(std::string_view key, std::string_view value) const;
  const std::map<std::string, std::string, std::less<>>& texts() const { return texts_; }

 private:
  Catalogue(std::string language, std::string_view json);
  std::string language_;
  std::map<std::string, std::string, std::less<>> texts_;
};

// The language to answer in: `chosen` when it names a catalogue (the page's
// switch), else the first of Accept-Language's ranges, by quality, that
// does ("ru-RU" counts as "ru"), else English.
std::string choose_language(std::string_view chosen, std::string_view accept_language);

}  // namespace liaison::web

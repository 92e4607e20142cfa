// liaisond's HTML pages (the matrix, needs, offers, contacts, organizations,
// gaps, search), rendered from a view limited to the visitor's audience
// (view/audience_scope.h) and with every record put through
// visible_record, so a page never holds what its visitor may not see. Lists
// are paginated and sortable and download as CSV and JSON with the same
// filters, spelled as the CLI's flags. Pages need no script, load nothing
// from elsewhere (one style sheet, served by the same server), print
// cleanly, and take their interface text from the visitor's language's
// catalogue (catalogue.h); record text is marked dir="auto", so Arabic runs
// right to left. Every value is escaped where it is written.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <set>
#include <string_view>

#include "git/history.h"
#include "model/visibility.h"
#include "view/view.h"

namespace liaison::web {

struct Visitor {
  Audience audience;  // what the pages may show
  std::string org, role;  // the signed-in token's; empty without sign-in
  std::string csrf;       // the session's form token, for the sign-out form
  bool signed_in() const { return !role.empty(); }
};

struct PageRequest {
  std::string path;  // without the query
  std::map<std::string, std::string> query;
  std::string language = "en";
  Visitor visitor;
  std::string today;  // YYYY-MM-DD, for stale contacts
  // The head of the visitor's segment (server/segments.h), for what changed
  // since a date (the report's `since`): that history holds nothing the
  // visitor may not see. Unset, the report lists no changes.
  std::optional<CommitId> segment_head;
};

struct PageAnswer {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::string download_name;  // sent as an attachment of this name when set
  // The text of the one inline <style> element the page carries (the
  // meeting report's), for the Content-Security-Policy to allow by its hash.
  std::string inline_style;
};

// Whether GET `path` is a page (or the style sheet) of this module.
bool is_page(std::string_view path);
// The answer to a path that is no page (is_page false): 404, in the
// visitor's language, made without reading anything.
PageAnswer not_found_page(const PageRequest& request);
// A page saying `message` (in the visitor's language already) under the
// title of catalogue key `title_key`, answered with `status`.
PageAnswer notice_page(const PageRequest& request, std::string_view title_key, const std::string& message, int status);

// The parameters of `query` the page at `path` reads (`lang` is not one:
// the language is chosen before). The others change nothing on it: the
// site drops them before it keeps or makes the page, so that a link
// carrying a mail's tracking parameters is the kept page, and no value of
// an ignored parameter has the page made again under a key of its own.
std::map<std::string, std::string> page_parameters(std::string_view path, std::map<std::string, std::string> query);
// Every parameter some page reads.
const std::set<std::string, std::less<>>& all_page_parameters();
// The path and parameters of `request` in one spelling: what a page is kept
// under, beside who asks and when.
std::string page_target(const PageRequest& request);

// The page at request.path, from `view` (limited to the visitor's
// audience) and `history` (central's, for who changed a record's fields).
// A malformed filter answers 400 with the one-line reason, an unknown
// record or path 404.
PageAnswer render_page(View& view, const History& history, const PageRequest& request);

// The sign-in form; `problem` (already in the visitor's language) is shown
// above it when not empty.
PageAnswer sign_in_page(const PageRequest& request, const std::string& problem = "", int status = 200);

}  // namespace liaison::web

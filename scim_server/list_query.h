// The query of a list or search request (RFC 7644 §3.4.2, §3.4.3): filter,
// startIndex, count, sortBy, sortOrder, attributes and excludedAttributes,
// read from the URL or from a SearchRequest body, and turned into what the
// store and the renderer take. Pure: no I/O.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/filter.h"
#include "scim_server/resource.h"

namespace scim {

// The query as the client wrote it.
struct SearchParams {
  std::string filter;
  std::string sort_by;
  std::string sort_order;
  std::string attributes;
  std::string excluded;
  int64_t start_index = 1;
  int64_t count = -1;  // -1: not given
};

// From the URL of GET /Users or GET /Groups. Errors: kInvalidValue
// (startIndex or count not an integer).
core::Result<SearchParams> SearchFromQuery(const httplib::Request& req);

// From a SearchRequest body (POST .../.search); keys are case-insensitive,
// `attributes` / `excludedAttributes` may be a string or an array of strings.
// Errors: kInvalidSyntax (not an object), kInvalidValue (a key of the wrong type).
core::Result<SearchParams> SearchFromBody(const core::Json& body);

// startIndex, count and sortOrder as the store takes them.
struct Paging {
  int64_t start_index;
  int64_t count;
  bool descending;
};
// startIndex < 1 is treated as 1 (RFC 7644 §3.4.2.4); a count that is not
// given (or negative), or is over `max_results`, is `max_results`.
// Errors: kInvalidValue (sortOrder neither ascending nor descending).
core::Result<Paging> PagingOf(const SearchParams& sp, int64_t max_results);

// The filter of a list or search; none (null) when the text is empty.
// Errors: those of ParseFilter.
core::Result<std::unique_ptr<FilterNode>> ParseOptionalFilter(const std::string& text);

// A ListResponse (RFC 7644 §3.4.2) holding one page.
core::Json ListResponse(int64_t total, int64_t start_index, core::Json resources);

// Whether `proj` leaves out the top-level attribute `attr` (so the store need
// not load it, e.g. a Group's members).
bool Excludes(const Projection& proj, const char* attr);

}  // namespace scim

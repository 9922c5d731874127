// The mock Okta's traffic log (GET /sandbox/traffic) as data: fetching it,
// making it reproducible (stable origins, no wall-clock durations), HAR 1.2
// export, and replaying a HAR's SCIM requests against any SCIM server.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace scenarios {

using core::Json;

// All traffic records with seq > `after`, in order (pages of 1,000).
// Each record: seq, jobId, jobKind, appId, step, startedAt, durationMs,
// request{method,url,target,headers[{name,value}],body}, response{status,
// headers,body}|null, error|null. Errors: kUnavailable (no answer).
core::Result<Json> FetchTraffic(const std::string& okta_url, int64_t after = 0);

// The log also holds the sign-on exchanges the mock answered (jobKind
// "sign_on": authn, authorize, token, …; secrets redacted). They are not SCIM
// traffic: traffic expectations, request counts and replay leave them out.
bool IsSignOnRecord(const Json& record);

// Makes records reproducible across runs: every occurrence of each `from`
// text is replaced by its `to` (e.g. the ephemeral "127.0.0.1:41234" of a
// test server by "127.0.0.1:7020") in every string of the record, and
// `durationMs` (wall-clock time measured by the mock) is set to 0.
struct Normalization {
  std::vector<std::pair<std::string, std::string>> replace;
  bool zero_durations = true;
};
Json NormalizeTraffic(const Json& records, const Normalization& n);

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), one entry per
// record, that Chromium's devtools can import. Extra fields start with '_'
// (_seq, _step, _jobKind, _jobId, _target, _error).
Json TrafficToHar(const Json& records, const std::string& creator_version);

// Replays the SCIM requests of a HAR in order against `base_url` with
// `Authorization: Bearer <token>`, and compares each answer with the
// recorded one. Sign-on entries (_jobKind "sign_on") are not sent: they
// count as skipped.
struct ReplayDifference {
  size_t entry = 0;       // 0-based HAR entry index
  std::string request;    // "POST /Users"
  std::string message;    // "status: recorded 201, got 409" or a body path
};
struct ReplayReport {
  size_t replayed = 0;
  size_t skipped = 0;  // entries not sent: no recorded answer (transport errors), or sign-on exchanges
  std::vector<ReplayDifference> differences;
};
// Ids the server assigns (`id` of created or listed resources) are learnt
// from each pair of recorded/actual answers and rewritten in later request
// paths and bodies. Volatile fields (meta.created, meta.lastModified,
// meta.location, meta.version, ids that were mapped) are not compared.
// Errors: kInvalidValue (not a HAR), kUnavailable (server unreachable).
core::Result<ReplayReport> ReplayHar(const Json& har, const std::string& base_url, const std::string& token);

}  // namespace scenarios

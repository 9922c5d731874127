#include "scenarios/traffic.h"

#include <httplib.h>

#include <map>

#include "core/http.h"
#include "scenarios/match.h"

namespace scenarios {

core::Result<Json> FetchTraffic(const std::string& okta_url, int64_t after) {
  auto u = core::ParseUrl(okta_url);
  if (!u.ok()) return u.error();
  auto client = core::MakeClient(u->Origin(), 5, 60);
  Json all = Json::array();
  for (;;) {
    std::string path = u->path + "/sandbox/traffic?after=" + std::to_string(after) + "&limit=1000";
    auto res = client->Get(path.c_str());
    if (!res) return core::MakeError(core::ErrorCode::kUnavailable, okta_url + ": " + httplib::to_string(res.error()));
    if (res->status != 200)
      return core::MakeError(core::ErrorCode::kUnavailable, "GET " + path + " -> " + std::to_string(res->status));
    auto page = core::ParseJson(res->body, 256);
    if (!page.ok()) return page.error();
    if (!page->is_array() || page->empty()) break;
    for (auto& r : *page) all.push_back(std::move(r));
    after = all.back().value("seq", after + 1);
    if (page->size() < 1000) break;
  }
  return all;
}

bool IsSignOnRecord(const Json& record) { return record.is_object() && record.value("jobKind", "") == "sign_on"; }

namespace {

void ReplaceAll(Json& j, const std::vector<std::pair<std::string, std::string>>& rep) {
  if (j.is_string()) {
    std::string s = j;
    bool changed = false;
    for (const auto& [from, to] : rep) {
      if (from.empty()) continue;
      for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
        s.replace(p, from.size(), to);
        changed = true;
      }
    }
    if (changed) j = s;
  } else if (j.is_object() || j.is_array()) {
    for (auto it = j.begin(); it != j.end(); ++it) ReplaceAll(*it, rep);
  }
}

const char* StatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string HeaderValue(const Json& headers, const std::string& name) {
  if (!headers.is_array()) return "";
  for (const auto& h : headers)
    if (core::EqualsCi(h.value("name", ""), name)) return h.value("value", "");
  return "";
}

Json HarHeaders(const Json& headers) {
  Json out = Json::array();
  if (headers.is_array())
    for (const auto& h : headers) out.push_back(Json{{"name", h.value("name", "")}, {"value", h.value("value", "")}});
  return out;
}

}  // namespace

Json NormalizeTraffic(const Json& records, const Normalization& n) {
  Json out = records;
  for (auto& r : out) {
    ReplaceAll(r, n.replace);
    if (n.zero_durations && r.contains("durationMs")) r["durationMs"] = 0;
  }
  return out;
}

Json TrafficToHar(const Json& records, const std::string& creator_version) {
  Json entries = Json::array();
  for (const auto& r : records) {
    const Json& req = r["request"];
    std::string url = req.value("url", "");
    std::string target = req.value("target", "");
    Json query = Json::array();
    if (auto q = target.find('?'); q != std::string::npos) {
      // Keep the order and the raw (undecoded) form alongside decoded values.
      std::string qs = target.substr(q + 1);
      size_t start = 0;
      while (start <= qs.size()) {
        size_t amp = qs.find('&', start);
        if (amp == std::string::npos) amp = qs.size();
        std::string part = qs.substr(start, amp - start);
        if (!part.empty()) {
          size_t eq = part.find('=');
          query.push_back(Json{{"name", UrlDecode(part.substr(0, eq))},
                               {"value", eq == std::string::npos ? "" : UrlDecode(part.substr(eq + 1))}});
        }
        start = amp + 1;
      }
    }
    std::string body = req.value("body", "");
    Json request = Json::object();
    request["method"] = req.value("method", "GET");
    request["url"] = url;
    request["httpVersion"] = "HTTP/1.1";
    request["cookies"] = Json::array();
    request["headers"] = HarHeaders(req["headers"]);
    request["queryString"] = query;
    if (!body.empty()) {
      std::string mime = HeaderValue(req["headers"], "Content-Type");
      request["postData"] = Json{{"mimeType", mime.empty() ? "application/scim+json" : mime}, {"text", body}};
    }
    request["headersSize"] = -1;
    request["bodySize"] = static_cast<int64_t>(body.size());

    Json response = Json::object();
    bool answered = r.contains("response") && r["response"].is_object();
    int status = answered ? r["response"].value("status", 0) : 0;
    std::string rbody = answered ? r["response"].value("body", "") : "";
    std::string rmime = answered ? HeaderValue(r["response"]["headers"], "Content-Type") : "";
    response["status"] = status;
    response["statusText"] = StatusText(status);
    response["httpVersion"] = "HTTP/1.1";
    response["cookies"] = Json::array();
    response["headers"] = answered ? HarHeaders(r["response"]["headers"]) : Json::array();
    response["content"] = Json{{"size", static_cast<int64_t>(rbody.size())}, {"mimeType", rmime.empty() ? "x-unknown" : rmime},
                               {"text", rbody}};
    response["redirectURL"] = "";
    response["headersSize"] = -1;
    response["bodySize"] = answered ? static_cast<int64_t>(rbody.size()) : -1;
    if (!answered) response["_error"] = r.value("error", Json(nullptr));

    int64_t ms = r.value("durationMs", int64_t{0});
    Json e = Json::object();
    e["startedDateTime"] = r.value("startedAt", "1970-01-01T00:00:00.000Z");
    e["time"] = ms;
    e["request"] = request;
    e["response"] = response;
    e["cache"] = Json::object();
    e["timings"] = Json{{"blocked", -1}, {"dns", -1}, {"connect", -1}, {"send", 0}, {"wait", ms}, {"receive", 0}, {"ssl", -1}};
    e["_seq"] = r.value("seq", int64_t{0});
    e["_step"] = r.value("step", "");
    e["_jobKind"] = r.value("jobKind", "");
    e["_jobId"] = r.value("jobId", Json(nullptr));
    e["_target"] = target;
    entries.push_back(std::move(e));
  }
  Json log = Json::object();
  log["version"] = "1.2";
  log["creator"] = Json{{"name", "okta-sandbox"}, {"version", creator_version}};
  log["pages"] = Json::array();
  log["entries"] = entries;
  return Json{{"log", log}};
}

// ------------------------------------------------------------------ replay

namespace {

// Learns recorded-id → actual-id pairs from two answers of the same request.
void LearnIds(const Json& recorded, const Json& actual, std::map<std::string, std::string>* ids) {
  if (recorded.is_object() && actual.is_object()) {
    // An empty recorded id would be "found" everywhere: Rewrite would insert the actual id forever.
    if (recorded.contains("id") && actual.contains("id") && recorded["id"].is_string() && actual["id"].is_string() &&
        !recorded["id"].get<std::string>().empty() && recorded["id"] != actual["id"])
      (*ids)[recorded["id"]] = actual["id"];
    if (recorded.contains("Resources") && actual.contains("Resources") && recorded["Resources"].is_array() &&
        actual["Resources"].is_array()) {
      for (size_t i = 0; i < recorded["Resources"].size() && i < actual["Resources"].size(); ++i)
        LearnIds(recorded["Resources"][i], actual["Resources"][i], ids);
    }
  }
}

std::string Rewrite(std::string s, const std::map<std::string, std::string>& ids) {
  for (const auto& [from, to] : ids) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  }
  return s;
}

// Drops what legitimately differs between two servers or two runs.
Json Comparable(Json j, const std::map<std::string, std::string>& ids) {
  if (j.is_object()) {
    if (j.contains("meta") && j["meta"].is_object()) {
      for (const char* k : {"created", "lastModified", "location", "version"}) j["meta"].erase(k);
    }
    for (const char* k : {"id", "$ref"}) j.erase(k);
    for (auto it = j.begin(); it != j.end(); ++it) *it = Comparable(*it, ids);
  } else if (j.is_array()) {
    for (auto& x : j) x = Comparable(x, ids);
  } else if (j.is_string()) {
    j = Rewrite(j.get<std::string>(), ids);
  }
  return j;
}

void Diff(const Json& a, const Json& b, const std::string& path, std::vector<std::string>* out) {
  if (out->size() >= 5) return;
  if (a.type() != b.type() && !(a.is_number() && b.is_number())) {
    out->push_back(path + ": recorded " + Brief(a, 100) + ", got " + Brief(b, 100));
  } else if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) {
        out->push_back(path + "." + it.key() + ": recorded " + Brief(it.value(), 100) + ", got nothing");
      } else {
        Diff(it.value(), b[it.key()], path + "." + it.key(), out);
      }
    }
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) out->push_back(path + "." + it.key() + ": not recorded, got " + Brief(it.value(), 100));
  } else if (a.is_array()) {
    if (a.size() != b.size()) {
      out->push_back(path + ": recorded " + std::to_string(a.size()) + " elements, got " + std::to_string(b.size()));
    } else {
      for (size_t i = 0; i < a.size(); ++i) Diff(a[i], b[i], path + "[" + std::to_string(i) + "]", out);
    }
  } else if (a != b && !(a.is_number() && b.is_number() && a.get<double>() == b.get<double>())) {
    out->push_back(path + ": recorded " + Brief(a, 100) + ", got " + Brief(b, 100));
  }
}

// One HAR entry's fields, type-checked: a HAR written elsewhere (or edited
// by hand) may hold anything where a string or a status is expected.
struct HarEntry {
  std::string method = "GET", url, target, body, response_text, job_kind;
  bool has_body = false;
  int status = 0;  // 0: no answer was recorded
};

core::Result<HarEntry> ReadEntry(const Json& e, size_t i) {
  auto bad = [i](const std::string& what) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "HAR entry " + std::to_string(i) + ": " + what);
  };
  static const Json kNone = Json::object();
  auto member = [](const Json& obj, const char* key) -> const Json& {
    auto it = obj.find(key);
    return it == obj.end() ? kNone : *it;
  };
  if (!e.is_object()) return bad("not an object");
  const Json& rq = member(e, "request");
  const Json& rs = member(e, "response");
  const Json& post = rq.is_object() ? member(rq, "postData") : kNone;
  const Json& content = rs.is_object() ? member(rs, "content") : kNone;
  if (!rq.is_object() || !rs.is_object() || !post.is_object() || !content.is_object()) {
    return bad("request, response, request.postData and response.content must be objects");
  }
  HarEntry out;
  out.has_body = rq.contains("postData");
  struct Text {
    const Json& obj;
    const char* key;
    std::string* to;
    const char* name;
  };
  for (const Text& t : {Text{rq, "method", &out.method, "request.method"}, Text{rq, "url", &out.url, "request.url"},
                        Text{e, "_target", &out.target, "_target"}, Text{e, "_jobKind", &out.job_kind, "_jobKind"},
                        Text{post, "text", &out.body, "request.postData.text"},
                        Text{content, "text", &out.response_text, "response.content.text"}}) {
    const Json& v = member(t.obj, t.key);
    if (v.is_string()) *t.to = v.get<std::string>();
    else if (&v != &kNone && !v.is_null()) return bad(std::string(t.name) + " must be a string");
  }
  const Json& status = member(rs, "status");
  if (&status != &kNone) {
    if (!status.is_number_integer() || status.get<int64_t>() < 0 || status.get<int64_t>() > 999) {
      return bad("response.status must be an HTTP status code");
    }
    out.status = static_cast<int>(status.get<int64_t>());
  }
  return out;
}

}  // namespace

core::Result<ReplayReport> ReplayHar(const Json& har, const std::string& base_url, const std::string& token) {
  if (!har.is_object() || !har.contains("log") || !har["log"].contains("entries") || !har["log"]["entries"].is_array())
    return core::MakeError(core::ErrorCode::kInvalidValue, "not a HAR file (no log.entries)");
  auto u = core::ParseUrl(base_url);
  if (!u.ok()) return u.error();
  auto client = core::MakeClient(u->Origin(), 5, 60);
  ReplayReport report;
  std::map<std::string, std::string> ids;
  const Json& entries = har["log"]["entries"];
  for (size_t i = 0; i < entries.size(); ++i) {
    auto e = ReadEntry(entries[i], i);
    if (!e.ok()) return e.error();
    int recorded_status = e->status;
    // No answer to compare with, or a sign-on exchange (the mock's own OIDC endpoints, not SCIM).
    if (recorded_status == 0 || e->job_kind == "sign_on") {
      ++report.skipped;
      continue;
    }
    std::string target = e->target;
    if (target.empty()) {  // a foreign HAR: take the URL's path after ".../scim/v2"
      const std::string& url = e->url;
      auto p = url.find("/scim/v2");
      auto scheme = url.find("://");
      if (p != std::string::npos) {
        target = url.substr(p + 8);
      } else if (scheme != std::string::npos) {
        auto slash = url.find('/', scheme + 3);
        target = slash == std::string::npos ? "/" : url.substr(slash);
      }
    }
    target = Rewrite(target, ids);
    std::string method = e->method;
    std::string body = e->has_body ? Rewrite(e->body, ids) : "";
    httplib::Request req;
    req.method = method;
    req.path = u->path + target;
    req.headers.emplace("Authorization", "Bearer " + token);
    req.headers.emplace("Accept", "application/scim+json");
    req.headers.emplace("User-Agent", "Okta SCIM Client 1.0.0");
    if (!body.empty()) {
      req.body = body;
      req.headers.emplace("Content-Type", "application/scim+json; charset=utf-8");
    }
    auto res = client->send(req);
    std::string label = method + " " + UrlDecode(target, false);
    if (!res) return core::MakeError(core::ErrorCode::kUnavailable, base_url + ": " + httplib::to_string(res.error()));
    ++report.replayed;
    if (res->status != recorded_status) {
      report.differences.push_back({i, label, "status: recorded " + std::to_string(recorded_status) + ", got " +
                                                  std::to_string(res->status) + " " + res->body.substr(0, 200)});
    }
    const std::string& rtext = e->response_text;
    auto rec = core::ParseJson(rtext);
    auto act = core::ParseJson(res->body);
    if (rec.ok() && act.ok()) {
      LearnIds(*rec, *act, &ids);
      if (res->status == recorded_status) {
        std::vector<std::string> diffs;
        Diff(Comparable(*rec, ids), Comparable(*act, ids), "body", &diffs);
        for (auto& d : diffs) report.differences.push_back({i, label, d});
      }
    } else if (rtext.empty() != res->body.empty() && res->status == recorded_status) {
      report.differences.push_back({i, label, rtext.empty() ? "body: recorded none, got one" : "body: recorded one, got none"});
    }
  }
  return report;
}

}  // namespace scenarios

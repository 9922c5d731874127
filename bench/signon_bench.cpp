// Sign-ins per second through the mock Okta's OpenID Connect endpoints, and
// the RS256 signing ceiling measured in the same process.
//
//   signon_bench [--seconds S=5] [--clients 1,4] [--store memory,folder]
//                [--sign-seconds S=3]
//
// For each store (in memory; a data folder under $TMPDIR, durable SQLite as
// `okta-sandbox up --data-dir` runs it) an okta::MockOkta is started in this
// process on a free port with the system clock. Through /api/v1 it gets one
// active user with a password per client thread and a web OIDC app
// (client_secret_basic, authorization_code) assigned to those users. Then, for
// each client count C, C threads — each with its own keep-alive httplib
// client — run complete sign-ins for S seconds:
//   POST /api/v1/authn                     → 200 {"sessionToken": …}
//   GET  /oauth2/default/v1/authorize?…&sessionToken=…&code_challenge (S256)
//                                          → 302 Location: redirect_uri?code=…&state=…
//   POST /oauth2/default/v1/token (authorization_code, code_verifier, Basic)
//                                          → 200 {id_token, access_token, …}
// Every answer is checked (status, state, code, both tokens present and
// shaped like a JWT); the first sign-in of every thread also decodes both
// tokens and checks iss, aud, nonce, sub and at_hash. A failed check counts
// a failure and the sign-in is abandoned (the next one starts over).
//
// The ceiling: the bare OpenSSL loop of bench/signing_ceiling.cpp (a fresh
// EVP_MD_CTX, EVP_DigestSignInit(SHA-256), EVP_DigestSign over an Okta ID
// token's signing input, 2048-bit key) on 1 thread and on every core, plus
// SignJwt on 1 thread. A sign-in mints two RS256 signatures (access token and
// ID token), so the ceiling in sign-ins/s is signatures/s ÷ 2.
//
// Prints one JSON object on stdout; exits 1 if any sign-in failed.
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/http.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/secret.h"
#include "mock_okta/mock_okta.h"
#include "mock_okta/signon/jwt.h"

namespace {

using Clock = std::chrono::steady_clock;
using core::Json;

const std::string kApiToken = "signon-bench-token";
const std::string kPassword = "Passw0rd!bench";
const std::string kRedirect = "http://localhost:3000/authorization-code/callback";
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWlLqV1M";
const std::string kServer = "/oauth2/default";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "signon_bench: %s\n", what.c_str());
  std::exit(2);
}

double Pct(std::vector<double>& v, double p) {  // v sorted
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

Json Latency(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double x : us) sum += x;
  Json j;
  j["count"] = us.size();
  j["mean_ms"] = us.empty() ? 0.0 : sum / static_cast<double>(us.size()) / 1000.0;
  j["p50_ms"] = Pct(us, 0.50) / 1000.0;
  j["p90_ms"] = Pct(us, 0.90) / 1000.0;
  j["p99_ms"] = Pct(us, 0.99) / 1000.0;
  j["max_ms"] = us.empty() ? 0.0 : us.back() / 1000.0;
  return j;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long StatusKb(const char* key) {  // VmRSS / VmHWM of this process
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string k = std::string(key) + ":";
  while (std::getline(f, line)) {
    if (line.rfind(k, 0) == 0) return std::atol(line.c_str() + k.size());
  }
  return 0;
}

std::string LoadAvg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string Form(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string s;
  for (const auto& [k, v] : kv) s += (s.empty() ? "" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
  return s;
}

// A query parameter of a Location header.
std::string LocationParam(const std::string& location, const std::string& key) {
  auto q = location.find('?');
  if (q == std::string::npos) return "";
  httplib::Params p;
  httplib::detail::parse_query_text(location.substr(q + 1), p);
  auto it = p.find(key);
  return it == p.end() ? "" : it->second;
}

bool LooksLikeJwt(const Json& body, const char* field) {
  if (!body.contains(field) || !body[field].is_string()) return false;
  const auto& t = body[field].get_ref<const std::string&>();
  return t.size() > 100 && std::count(t.begin(), t.end(), '.') == 2;
}

// ---- the RS256 ceiling -------------------------------------------------------

struct SignRun {
  long count = 0;
  double seconds = 0;
  std::vector<double> us;
};

template <class F>
SignRun SignLoop(double seconds, F&& sign_once) {
  SignRun r;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (auto t = start; t < end;) {
    sign_once();
    const auto t2 = Clock::now();
    r.us.push_back(std::chrono::duration<double, std::micro>(t2 - t).count());
    t = t2;
  }
  r.count = static_cast<long>(r.us.size());
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

Json SignSummary(const std::vector<SignRun>& runs) {  // one per thread, run side by side
  long count = 0;
  double seconds = 0;
  std::vector<double> us;
  for (const auto& r : runs) {
    count += r.count;
    seconds = std::max(seconds, r.seconds);
    us.insert(us.end(), r.us.begin(), r.us.end());
  }
  std::sort(us.begin(), us.end());
  Json j;
  j["threads"] = runs.size();
  j["signatures"] = count;
  j["seconds"] = seconds;
  j["per_s"] = static_cast<double>(count) / seconds;
  j["p50_us"] = Pct(us, 0.50);
  j["p99_us"] = Pct(us, 0.99);
  j["signins_per_s"] = static_cast<double>(count) / seconds / 2.0;  // two signatures per sign-in
  return j;
}

Json Ceiling(double seconds, int cores) {
  auto key = okta::signon::SigningKey::Generate("bench-kid-0");
  if (!key.ok()) Die(key.error().detail);
  // An Okta ID token (default authorization server, authorization code flow),
  // as in bench/signing_ceiling.cpp.
  Json payload;
  payload["sub"] = "00u1a2b3c4d5e6f7g8h9";
  payload["name"] = "Ada Lovelace";
  payload["email"] = "ada.lovelace@example.com";
  payload["ver"] = 1;
  payload["iss"] = "https://dev-12345678.okta.com/oauth2/default";
  payload["aud"] = "0oa1a2b3c4d5e6f7g8h9";
  payload["iat"] = 1700000000;
  payload["exp"] = 1700003600;
  payload["jti"] = "ID.4eAWJOCMB3SX8XewDfVR1RD8WDE3s8r9mPVqjrBLtfY";
  payload["amr"] = Json::array({"pwd"});
  payload["idp"] = "00o1a2b3c4d5e6f7g8h9";
  payload["nonce"] = "n-0S6_WzA2Mj";
  payload["preferred_username"] = "ada.lovelace@example.com";
  payload["auth_time"] = 1699999990;
  payload["at_hash"] = "77QmUPtjPfzWtF2AnpK9RQ";
  auto token = okta::signon::SignJwt(**key, payload);
  if (!token.ok()) Die(token.error().detail);
  const std::string input = token->substr(0, token->rfind('.'));

  const std::string pem = (*key)->ToPrivatePem();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!pkey) Die("PEM_read_bio_PrivateKey failed");

  auto raw_once = [&](std::vector<unsigned char>& sig) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t len = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1) {
      Die("EVP_DigestSign failed");
    }
  };
  auto raw_threads = [&](int n) {
    std::vector<SignRun> runs(static_cast<size_t>(n));
    std::vector<std::thread> ts;
    for (int i = 0; i < n; ++i) {
      ts.emplace_back([&, i] {
        std::vector<unsigned char> sig(static_cast<size_t>(EVP_PKEY_get_size(pkey.get())));
        runs[static_cast<size_t>(i)] = SignLoop(seconds, [&] { raw_once(sig); });
      });
    }
    for (auto& t : ts) t.join();
    return SignSummary(runs);
  };

  Json out;
  out["openssl"] = OpenSSL_version(OPENSSL_VERSION);
  out["key_bits"] = EVP_PKEY_get_bits(pkey.get());
  out["signing_input_bytes"] = input.size();
  out["raw_1_thread"] = raw_threads(1);
  if (cores > 1) out["raw_all_cores"] = raw_threads(cores);
  out["sign_jwt_1_thread"] = SignSummary({SignLoop(seconds, [&] {
    if (!okta::signon::SignJwt(**key, payload).ok()) Die("SignJwt failed");
  })});
  return out;
}

// ---- the mock Okta and its clients -------------------------------------------

struct Reply {
  int status = 0;
  std::string body, location;
};

Reply Send(httplib::Client& http, const std::string& method, const std::string& target, const std::string& body,
           const std::string& type, httplib::Headers headers = {}) {
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.headers = std::move(headers);
  if (method == "POST") {
    req.body = body;
    req.headers.emplace("Content-Type", type);
  }
  auto res = http.send(req);
  Reply r;
  if (!res) return r;
  r.status = res->status;
  r.body = std::move(res->body);
  r.location = res->get_header_value("Location");
  return r;
}

Json Api(httplib::Client& http, const std::string& method, const std::string& path, const Json& body, int want) {
  auto r = Send(http, method, path, core::DumpCompact(body), "application/json",
                {{"Authorization", "SSWS " + kApiToken}, {"Accept", "application/json"}});
  if (r.status != want) Die(method + " " + path + " answered " + std::to_string(r.status) + ": " + r.body);
  auto j = Json::parse(r.body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

struct Org {
  std::string base, client_id, secret;
  std::vector<std::string> logins, user_ids;
};

Org SetUp(const std::string& base, int users) {
  auto http = core::MakeClient(base, 5, 30);
  Org org;
  org.base = base;
  Json app{{"label", "Sign-on bench"},
           {"signOnMode", "OPENID_CONNECT"},
           {"credentials", Json{{"oauthClient", Json{{"token_endpoint_auth_method", "client_secret_basic"}}}}},
           {"settings", Json{{"oauthClient", Json{{"application_type", "web"},
                                                  {"redirect_uris", Json::array({kRedirect})},
                                                  {"grant_types", Json::array({"authorization_code"})},
                                                  {"response_types", Json::array({"code"})}}}}}};
  auto a = Api(*http, "POST", "/api/v1/apps", app, 200);
  org.client_id = a["credentials"]["oauthClient"]["client_id"].get<std::string>();
  org.secret = a["credentials"]["oauthClient"]["client_secret"].get<std::string>();
  for (int i = 0; i < users; ++i) {
    std::string login = "bench.user" + std::to_string(i) + "@example.com";
    Json u{
        {"profile", Json{{"login", login}, {"email", login}, {"firstName", "Bench"}, {"lastName", std::to_string(i)}}},
        {"credentials", Json{{"password", Json{{"value", kPassword}}}}}};
    auto r = Api(*http, "POST", "/api/v1/users?activate=true", u, 200);
    org.user_ids.push_back(r["id"].get<std::string>());
    org.logins.push_back(login);
    Api(*http, "POST", "/api/v1/apps/" + org.client_id + "/users", Json{{"id", org.user_ids.back()}, {"scope", "USER"}},
        200);
  }
  return org;
}

struct ClientResult {
  long signins = 0, failures = 0;
  std::vector<double> authn_us, authorize_us, token_us, signin_us;
  std::vector<std::string> errors;  // the first few
  double cpu_s = 0;
};

// One client thread: sign-ins until `deadline` (the first one, the warm-up,
// is checked more closely and not counted).
void RunClient(const Org& org, int index, Clock::time_point start, Clock::time_point deadline, std::atomic<int>& ready,
               ClientResult& out) {
  const double cpu0 = ThreadCpuSeconds();
  auto http = core::MakeClient(org.base, 5, 30);
  const std::string authn_body =
      core::DumpCompact(Json{{"username", org.logins[static_cast<size_t>(index)]}, {"password", kPassword}});
  const std::string challenge = okta::signon::PkceS256(kVerifier);
  const httplib::Headers basic{{"Authorization", "Basic " + core::Base64Encode(org.client_id + ":" + org.secret)}};
  const std::string issuer = org.base + kServer;
  auto fail = [&](const std::string& what) {
    ++out.failures;
    if (out.errors.size() < 5) out.errors.push_back(what);
  };
  auto us_since = [](Clock::time_point t) {
    return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
  };

  for (long n = 0;; ++n) {
    const bool warmup = n == 0;
    if (warmup) {
      // nothing
    } else if (n == 1) {
      ready.fetch_add(1);
      std::this_thread::sleep_until(start);
    } else if (Clock::now() >= deadline) {
      break;
    }
    const std::string state = "st-" + std::to_string(index) + "-" + std::to_string(n);
    const std::string nonce = "n-" + std::to_string(index) + "-" + std::to_string(n);
    const auto t0 = Clock::now();

    auto r = Send(*http, "POST", "/api/v1/authn", authn_body, "application/json", {{"Accept", "application/json"}});
    const double authn_us = us_since(t0);
    auto aj = Json::parse(r.body, nullptr, false);
    if (r.status != 200 || aj.is_discarded() || !aj.contains("sessionToken") || !aj["sessionToken"].is_string() ||
        aj.value("status", "") != "SUCCESS") {
      fail("authn: " + std::to_string(r.status) + " " + r.body.substr(0, 200));
      continue;
    }

    const auto t1 = Clock::now();
    r = Send(*http, "GET",
             kServer + "/v1/authorize?" +
                 Form({{"client_id", org.client_id},
                       {"response_type", "code"},
                       {"scope", "openid profile email"},
                       {"redirect_uri", kRedirect},
                       {"state", state},
                       {"nonce", nonce},
                       {"code_challenge", challenge},
                       {"code_challenge_method", "S256"},
                       {"sessionToken", aj["sessionToken"].get<std::string>()}}),
             "", "");
    const double authorize_us = us_since(t1);
    const std::string code = LocationParam(r.location, "code");
    if (r.status != 302 || r.location.rfind(kRedirect + "?", 0) != 0 || code.empty() ||
        LocationParam(r.location, "state") != state) {
      fail("authorize: " + std::to_string(r.status) + " Location " + r.location.substr(0, 200) + " " +
           r.body.substr(0, 200));
      continue;
    }

    const auto t2 = Clock::now();
    r = Send(*http, "POST", kServer + "/v1/token",
             Form({{"grant_type", "authorization_code"},
                   {"code", code},
                   {"redirect_uri", kRedirect},
                   {"code_verifier", kVerifier}}),
             "application/x-www-form-urlencoded", basic);
    const double token_us = us_since(t2);
    const double signin_us = us_since(t0);
    auto tj = Json::parse(r.body, nullptr, false);
    if (r.status != 200 || tj.is_discarded() || !LooksLikeJwt(tj, "id_token") || !LooksLikeJwt(tj, "access_token") ||
        tj.value("token_type", "") != "Bearer") {
      fail("token: " + std::to_string(r.status) + " " + r.body.substr(0, 200));
      continue;
    }
    if (warmup) {  // the claims, once per thread
      auto id = okta::signon::DecodeJwt(tj["id_token"].get<std::string>());
      auto at = okta::signon::DecodeJwt(tj["access_token"].get<std::string>());
      if (!id.ok() || !at.ok()) {
        fail("token: undecodable JWT");
        continue;
      }
      const auto& ip = id->payload;
      const auto& ap = at->payload;
      if (ip.value("iss", "") != issuer || ip.value("aud", "") != org.client_id || ip.value("nonce", "") != nonce ||
          ip.value("sub", "") != org.user_ids[static_cast<size_t>(index)] ||
          ip.value("at_hash", "") != okta::signon::HalfSha256(tj["access_token"].get<std::string>()) ||
          ap.value("iss", "") != issuer || ap.value("cid", "") != org.client_id ||
          ap.value("sub", "") != org.logins[static_cast<size_t>(index)] || id->header.value("alg", "") != "RS256") {
        fail("token: unexpected claims: " + core::DumpCompact(ip) + " " + core::DumpCompact(ap));
      }
      continue;
    }
    ++out.signins;
    out.authn_us.push_back(authn_us);
    out.authorize_us.push_back(authorize_us);
    out.token_us.push_back(token_us);
    out.signin_us.push_back(signin_us);
  }
  http.reset();
  out.cpu_s = ThreadCpuSeconds() - cpu0;
}

Json Measure(const Org& org, int clients, double seconds) {
  std::vector<ClientResult> results(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  // Threads warm up (one checked sign-in each), then start together.
  const auto start = Clock::now() + std::chrono::milliseconds(300 + 50 * clients);
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const long rss0 = StatusKb("VmRSS");
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back(RunClient, std::cref(org), i, start, deadline, std::ref(ready),
                         std::ref(results[static_cast<size_t>(i)]));
  }
  std::this_thread::sleep_until(start);
  const double cpu0 = ProcessCpuSeconds();
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu0;

  ClientResult all;
  for (auto& r : results) {
    all.signins += r.signins;
    all.failures += r.failures;
    all.cpu_s += r.cpu_s;
    all.authn_us.insert(all.authn_us.end(), r.authn_us.begin(), r.authn_us.end());
    all.authorize_us.insert(all.authorize_us.end(), r.authorize_us.begin(), r.authorize_us.end());
    all.token_us.insert(all.token_us.end(), r.token_us.begin(), r.token_us.end());
    all.signin_us.insert(all.signin_us.end(), r.signin_us.begin(), r.signin_us.end());
    for (auto& e : r.errors) all.errors.push_back(e);
  }
  Json j;
  j["clients"] = clients;
  j["seconds"] = elapsed;
  j["signins"] = all.signins;
  j["failures"] = all.failures;
  if (!all.errors.empty()) j["errors"] = all.errors;
  j["signins_per_s"] = static_cast<double>(all.signins) / elapsed;
  j["authn"] = Latency(all.authn_us);
  j["authorize"] = Latency(all.authorize_us);
  j["token"] = Latency(all.token_us);
  j["signin"] = Latency(all.signin_us);
  // CPU over the measured interval (the clients' warm-up excluded only
  // approximately: it ends before `start`). Server = process − client threads.
  j["cpu_process_pct"] = 100.0 * cpu / elapsed;
  j["cpu_clients_pct"] = 100.0 * all.cpu_s / elapsed;
  j["server_cpu_us_per_signin"] = all.signins ? 1e6 * (cpu - all.cpu_s) / static_cast<double>(all.signins) : 0.0;
  j["client_cpu_us_per_signin"] = all.signins ? 1e6 * all.cpu_s / static_cast<double>(all.signins) : 0.0;
  j["rss_kb_before"] = rss0;
  j["rss_kb_after"] = StatusKb("VmRSS");
  return j;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5, sign_seconds = 3;
  std::vector<int> clients{1, 4};
  std::vector<std::string> stores{"memory", "folder"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--seconds") {
      seconds = std::atof(next().c_str());
    } else if (a == "--sign-seconds") {
      sign_seconds = std::atof(next().c_str());
    } else if (a == "--clients") {
      clients.clear();
      for (const auto& c : Split(next())) clients.push_back(std::atoi(c.c_str()));
    } else if (a == "--store") {
      stores = Split(next());
    } else {
      std::fprintf(stderr,
                   "usage: signon_bench [--seconds S] [--clients 1,4] [--store memory,folder] [--sign-seconds S]\n");
      return 2;
    }
  }
  if (!(seconds > 0) || !(sign_seconds >= 0) || clients.empty() ||
      std::any_of(clients.begin(), clients.end(), [](int c) { return c < 1 || c > 256; })) {
    Die("bad arguments");
  }
  for (const auto& s : stores) {
    if (s != "memory" && s != "folder") Die("--store takes memory and/or folder");
  }
  (void)core::InitLogging("warn");
  const int cores = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  const int max_clients = *std::max_element(clients.begin(), clients.end());

  Json out;
  out["cores"] = cores;
  out["load_start"] = LoadAvg();
  out["seconds_per_run"] = seconds;
  if (sign_seconds > 0) out["ceiling"] = Ceiling(sign_seconds, cores);

  long failures = 0;
  Json runs = Json::array();
  for (const auto& store : stores) {
    std::filesystem::path dir;
    okta::Config c;
    c.port = 0;
    c.api_token = kApiToken;
    if (store == "folder") {
      std::string tmpl = (std::filesystem::temp_directory_path() / "signon-bench-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) Die("mkdtemp failed");
      dir = tmpl;
      c.db_path = (dir / "okta.db").string();
    }
    Json per_store = Json::array();
    {
      okta::MockOkta okta(c);
      auto port = okta.Start();
      if (!port.ok()) Die("MockOkta::Start: " + port.error().detail);
      const Org org = SetUp(okta.base_url(), max_clients);
      for (int n : clients) {
        Json r = Measure(org, n, seconds);
        r["store"] = store;
        failures += r["failures"].get<long>();
        std::fprintf(stderr,
                     "signon_bench: %s, %d client(s): %.1f sign-ins/s, authorize p50 %.3f ms, token p50 %.3f ms, "
                     "%ld failures\n",
                     store.c_str(), n, r["signins_per_s"].get<double>(), r["authorize"]["p50_ms"].get<double>(),
                     r["token"]["p50_ms"].get<double>(), r["failures"].get<long>());
        runs.push_back(r);
      }
      okta.Stop();
    }
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
  out["runs"] = runs;
  out["load_end"] = LoadAvg();
  if (out.contains("ceiling")) {
    const auto& ceil = out["ceiling"];
    const double per_core = ceil["raw_1_thread"]["signins_per_s"].get<double>();
    const double all = ceil.contains("raw_all_cores") ? ceil["raw_all_cores"]["signins_per_s"].get<double>() : per_core;
    const double sign_p50_us = ceil["raw_1_thread"]["p50_us"].get<double>();
    for (auto& r : out["runs"]) {
      const double rate = r["signins_per_s"].get<double>();
      // The ceiling for C clients: one core per client at most, every core at most.
      const double cap = r["clients"].get<int>() == 1 ? per_core : all;
      r["ceiling_signins_per_s"] = cap;
      r["pct_of_ceiling"] = 100.0 * rate / cap;
      r["token_p50_signing_share_pct"] = 100.0 * 2 * sign_p50_us / (1000.0 * r["token"]["p50_ms"].get<double>());
      r["server_cpu_signing_share_pct"] =
          100.0 * 2 * sign_p50_us / std::max(r["server_cpu_us_per_signin"].get<double>(), 1e-9);
    }
  }
  out["failures"] = failures;
  std::printf("%s\n", out.dump(2).c_str());
  return failures == 0 ? 0 : 1;
}

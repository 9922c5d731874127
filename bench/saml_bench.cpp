// Signed SAML Responses per second from the mock Okta's SAML 2.0 IdP, and the
// bare libxmlsec1 signing ceiling measured in the same process.
//
//   saml_bench [--seconds S=5] [--clients 1,4] [--sign-seconds S=3]
//
// The IdP's Response builder (SamlIdp::BuildResponse) is private, so the
// IdP is driven over HTTP: an okta::MockOkta on a free port, in memory, with
// the system clock; through /api/v1 one active user with a password per
// client thread and a SAML_2_0 app (settings.signOn: ssoAcsUrl, audience,
// emailAddress NameID, responseSigned and assertionSigned true, RSA_SHA256 /
// SHA256, two attribute statements) assigned to them. Each client gets a
// session (POST /api/v1/authn → GET /login/sessionCookieRedirect → sid
// cookie), then loops IdP-initiated sign-ins for S seconds:
//   GET /app/{name}/{id}/sso/saml (Cookie: sid) → 200, the auto-submitting
//   form with a SAMLResponse to the ACS URL.
// Every answer is checked (status, form action, a SAMLResponse that decodes
// to a saml2p:Response with two ds:Signature elements); each thread's first
// (warm-up, not counted) Response is also verified: both signatures
// (Assertion and Response) valid under the app's published certificate.
//
// The ceilings, 1 thread and every core, all on an RSA-2048 key from the
// module's own GenerateCredential:
//   - sign_xml: okta::signon::saml::SignXml, the module's signing function,
//     over the captured Response with its signatures removed, ids
//     {assertion, response} as the IdP signs (parse, two templates, two
//     xmlSecDSigCtxSign, serialise);
//   - bare_xmlsec: the same document already carrying both signature
//     templates (exclusive C14N, RSA-SHA256, SHA-256 digest, enveloped +
//     exc-c14n transforms, X509Certificate in KeyInfo) parsed with
//     xmlReadMemory, the two IDs registered, xmlSecDSigCtxSign on the
//     Assertion's then the Response's template (fresh xmlSecDSigCtx each,
//     signKey = xmlSecKeyDuplicate), serialised with xmlDocDumpMemory;
//   - bare_xmlsec_shared_key: the same, the loaded key lent to the context
//     instead of a duplicate per signature (1 thread);
//   - raw_rsa: EVP_DigestSign (RSA-SHA256) over a SignedInfo-sized input,
//     the floor of one signature; raw_rsa_dup_key: the same on an
//     EVP_PKEY_dup of the key each time (what a duplicated xmlSecKey costs).
// libxml2/xmlsec are initialised once through the module's InitXml.
// A signed Response carries two signatures, so responses/s = signatures/s ÷ 2.
//
// Prints one JSON object on stdout; exits 1 if any sign-in failed.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/http.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/secret.h"
#include "mock_okta/mock_okta.h"
#include "mock_okta/signon/saml_keys.h"
#include "mock_okta/signon/saml_xml.h"

namespace {

using Clock = std::chrono::steady_clock;
using core::Json;
namespace saml = okta::signon::saml;

const std::string kApiToken = "saml-bench-token";
const std::string kPassword = "Passw0rd!bench";
const std::string kAcs = "http://localhost:4000/saml/acs";
const std::string kAudience = "http://localhost:4000/saml/metadata";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "saml_bench: %s\n", what.c_str());
  std::exit(2);
}

double Pct(const std::vector<double>& v, double p) {  // v sorted
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
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

std::string LoadAvg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---- the signing loops -------------------------------------------------------

struct Run {
  long count = 0;
  double seconds = 0, cpu_s = 0;  // wall time, this thread's CPU time
  std::vector<double> us;
};

template <class F>
Run Loop(double seconds, F&& once) {
  Run r;
  const double cpu0 = ThreadCpuSeconds();
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (auto t = start; t < end;) {
    once();
    const auto t2 = Clock::now();
    r.us.push_back(std::chrono::duration<double, std::micro>(t2 - t).count());
    t = t2;
  }
  r.count = static_cast<long>(r.us.size());
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_s = ThreadCpuSeconds() - cpu0;
  return r;
}

// `per_item` signatures per iteration.
Json Summary(const std::vector<Run>& runs, int per_item) {
  long count = 0;
  double seconds = 0, cpu_s = 0;
  std::vector<double> us;
  for (const auto& r : runs) {
    count += r.count;
    cpu_s += r.cpu_s;
    seconds = std::max(seconds, r.seconds);
    us.insert(us.end(), r.us.begin(), r.us.end());
  }
  std::sort(us.begin(), us.end());
  Json j;
  j["threads"] = runs.size();
  j["iterations"] = count;
  j["seconds"] = seconds;
  j["per_s"] = static_cast<double>(count) / seconds;
  j["signatures_per_s"] = static_cast<double>(count * per_item) / seconds;
  j["responses_per_s"] = static_cast<double>(count * per_item) / seconds / 2.0;  // two signatures per Response
  j["p50_us"] = Pct(us, 0.50);
  j["p99_us"] = Pct(us, 0.99);
  // CPU time per iteration: what the loop costs whatever share of the cores it got.
  j["cpu_us_per_iteration"] = count ? 1e6 * cpu_s / static_cast<double>(count) : 0.0;
  j["cpu_pct"] = 100.0 * cpu_s / seconds;
  return j;
}

template <class F>
Json Threads(int n, double seconds, int per_item, F make_once) {
  std::vector<Run> runs(static_cast<size_t>(n));
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i) {
    ts.emplace_back([&, i] {
      auto once = make_once();
      runs[static_cast<size_t>(i)] = Loop(seconds, once);
    });
  }
  for (auto& t : ts) t.join();
  return Summary(runs, per_item);
}

// Removes every <ds:Signature>…</ds:Signature> (the Response without its signatures).
std::string StripSignatures(std::string xml) {
  for (size_t p; (p = xml.find("<ds:Signature")) != std::string::npos;) {
    const std::string end = "</ds:Signature>";
    size_t e = xml.find(end, p);
    if (e == std::string::npos) Die("unterminated ds:Signature");
    xml.erase(p, e + end.size() - p);
  }
  return xml;
}

// Empties the text of every <tag>…</tag> (a signed document back to a template).
std::string EmptyElements(std::string xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (size_t p = 0; (p = xml.find(open, p)) != std::string::npos;) {
    size_t s = p + open.size(), e = xml.find(close, s);
    if (e == std::string::npos) Die("unterminated " + tag);
    xml.erase(s, e - s);
    p = s;
  }
  return xml;
}

// The ds:Signature child of `node` (xmlsec's namespace check).
xmlNode* SignatureChild(xmlNode* node) {
  for (xmlNode* c = node->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlSecCheckNodeName(c, xmlSecNodeSignature, xmlSecDSigNs)) return c;
  }
  return nullptr;
}

xmlNode* FirstChildElement(xmlNode* node, const char* name) {
  for (xmlNode* c = node->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0) return c;
  }
  return nullptr;
}

Json Ceilings(const std::string& signed_response, const std::string& assertion_id, const std::string& response_id,
              double seconds, int cores) {
  saml::InitXml();  // the module's one-time libxml2 + xmlsec (OpenSSL) initialisation
  const auto now = std::chrono::system_clock::now();
  auto cred = saml::GenerateCredential("saml-bench", now - std::chrono::hours(24), now + std::chrono::hours(24 * 3650));
  if (!cred.ok()) Die("GenerateCredential: " + cred.error().detail);

  const std::string unsigned_xml = StripSignatures(signed_response);
  std::string tmpl = signed_response;
  for (const char* tag : {"ds:DigestValue", "ds:SignatureValue", "ds:X509Certificate"}) tmpl = EmptyElements(tmpl, tag);

  // The key as xmlsec holds it (loaded once; duplicated per signature as SignXml does).
  std::unique_ptr<xmlSecKey, decltype(&xmlSecKeyDestroy)> key(
      xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(cred->key_pem.data()),
                                   static_cast<xmlSecSize>(cred->key_pem.size()), xmlSecKeyDataFormatPem, nullptr,
                                   nullptr, nullptr),
      xmlSecKeyDestroy);
  if (!key ||
      xmlSecCryptoAppKeyCertLoadMemory(key.get(), reinterpret_cast<const xmlSecByte*>(cred->cert_pem.data()),
                                       static_cast<xmlSecSize>(cred->cert_pem.size()), xmlSecKeyDataFormatPem) < 0) {
    Die("xmlsec key load failed");
  }

  // One bare signing of the template: parse, register IDs, sign Assertion then Response, serialise.
  // `shared_key`: lend the loaded key to the context instead of a duplicate (1 thread only).
  auto bare_once = [&](std::string* out, bool shared_key = false) {
    xmlDoc* d = xmlReadMemory(tmpl.data(), static_cast<int>(tmpl.size()), nullptr, nullptr, XML_PARSE_NONET);
    if (!d) Die("template did not parse");
    xmlNode* resp = xmlDocGetRootElement(d);
    xmlNode* as = FirstChildElement(resp, "Assertion");
    if (!as) Die("no Assertion in the template");
    for (xmlNode* n : {as, resp}) {
      xmlAttr* id = xmlHasProp(n, BAD_CAST "ID");
      xmlChar* v = xmlNodeListGetString(d, id->children, 1);
      xmlAddID(nullptr, d, v, id);
      xmlFree(v);
    }
    for (xmlNode* n : {as, resp}) {
      xmlNode* sig = SignatureChild(n);
      xmlSecDSigCtx* ctx = xmlSecDSigCtxCreate(nullptr);
      if (!sig || !ctx) Die("no signature template");
      ctx->signKey = shared_key ? key.get() : xmlSecKeyDuplicate(key.get());
      if (!ctx->signKey || xmlSecDSigCtxSign(ctx, sig) < 0) Die("xmlSecDSigCtxSign failed");
      if (shared_key) ctx->signKey = nullptr;  // not the context's to free
      xmlSecDSigCtxDestroy(ctx);
    }
    xmlChar* mem = nullptr;
    int len = 0;
    xmlDocDumpMemory(d, &mem, &len);
    if (!mem || len <= 0) Die("xmlDocDumpMemory failed");
    if (out) out->assign(reinterpret_cast<const char*>(mem), static_cast<size_t>(len));
    xmlFree(mem);
    xmlFreeDoc(d);
  };
  auto sign_xml_once = [&](std::string* out) {
    auto r = saml::SignXml(unsigned_xml, {assertion_id, response_id}, *cred->key);
    if (!r.ok()) Die("SignXml: " + r.error().detail);
    if (out) *out = std::move(*r);
  };

  // Both produce what the IdP produces: check once that both signatures verify.
  Json out;
  auto check = [&](const std::string& what, const std::string& doc) {
    auto sigs = saml::CheckSignatures(doc, cred->cert_pem);
    if (!sigs.ok() || sigs->size() != 2 || !(*sigs)[0].valid || !(*sigs)[1].valid) {
      Die(what + " output does not verify");
    }
    out[what + "_output_bytes"] = doc.size();
  };
  std::string doc;
  bare_once(&doc);
  check("bare_xmlsec", doc);
  bare_once(&doc, true);
  check("bare_xmlsec_shared_key", doc);
  sign_xml_once(&doc);
  check("sign_xml", doc);

  // The floor: one RSA-SHA256 signature over a SignedInfo-sized input.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(cred->key_pem.data(), static_cast<int>(cred->key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!pkey) Die("PEM_read_bio_PrivateKey failed");
  const std::string signed_info(600, 'x');
  auto raw_once = [&](bool dup) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> copy(dup ? EVP_PKEY_dup(pkey.get()) : nullptr, EVP_PKEY_free);
    if (dup && !copy) Die("EVP_PKEY_dup failed");
    EVP_PKEY* k = dup ? copy.get() : pkey.get();
    std::vector<unsigned char> sig(static_cast<size_t>(EVP_PKEY_get_size(pkey.get())));
    size_t len = sig.size();
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k) != 1 ||
        EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(signed_info.data()),
                       signed_info.size()) != 1) {
      Die("EVP_DigestSign failed");
    }
  };

  out["openssl"] = OpenSSL_version(OPENSSL_VERSION);
  out["xmlsec"] = XMLSEC_VERSION;
  out["libxml2"] = LIBXML_DOTTED_VERSION;
  out["key_bits"] = EVP_PKEY_get_bits(pkey.get());
  out["unsigned_bytes"] = unsigned_xml.size();
  out["template_bytes"] = tmpl.size();
  out["bare_xmlsec_1_thread"] = Threads(1, seconds, 2, [&] { return [&] { bare_once(nullptr); }; });
  if (cores > 1) out["bare_xmlsec_all_cores"] = Threads(cores, seconds, 2, [&] { return [&] { bare_once(nullptr); }; });
  out["sign_xml_1_thread"] = Threads(1, seconds, 2, [&] { return [&] { sign_xml_once(nullptr); }; });
  out["bare_xmlsec_shared_key_1_thread"] = Threads(1, seconds, 2, [&] { return [&] { bare_once(nullptr, true); }; });
  out["raw_rsa_1_thread"] = Threads(1, seconds, 1, [&] { return [&] { raw_once(false); }; });
  out["raw_rsa_dup_key_1_thread"] = Threads(1, seconds, 1, [&] { return [&] { raw_once(true); }; });
  return out;
}

// ---- the mock Okta and its clients -------------------------------------------

struct Reply {
  int status = 0;
  std::string body, location, set_cookie;
};

Reply Send(httplib::Client& http, const std::string& method, const std::string& target, const std::string& body,
           httplib::Headers headers = {}) {
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.headers = std::move(headers);
  if (method != "GET") {
    req.body = body;
    req.headers.emplace("Content-Type", "application/json");
  }
  auto res = http.send(req);
  Reply r;
  if (!res) return r;
  r.status = res->status;
  r.body = std::move(res->body);
  r.location = res->get_header_value("Location");
  r.set_cookie = res->get_header_value("Set-Cookie");
  return r;
}

Json Api(httplib::Client& http, const std::string& method, const std::string& path, const Json& body, int want) {
  auto r = Send(http, method, path, core::DumpCompact(body),
                {{"Authorization", "SSWS " + kApiToken}, {"Accept", "application/json"}});
  if (r.status != want) Die(method + " " + path + " answered " + std::to_string(r.status) + ": " + r.body);
  auto j = Json::parse(r.body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

struct Org {
  std::string base, app_id, sso_path, cert_pem;
  std::vector<std::string> logins;
};

Org SetUp(const std::string& base, int users) {
  auto http = core::MakeClient(base, 5, 30);
  Org org;
  org.base = base;
  Json so{{"ssoAcsUrl", kAcs},
          {"audience", kAudience},
          {"subjectNameIdTemplate", "${user.userName}"},
          {"subjectNameIdFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
          {"responseSigned", true},
          {"assertionSigned", true},
          {"signatureAlgorithm", "RSA_SHA256"},
          {"digestAlgorithm", "SHA256"},
          {"attributeStatements",
           Json::array(
               {Json{{"type", "EXPRESSION"}, {"name", "email"}, {"values", Json::array({"user.email"})}},
                Json{{"type", "EXPRESSION"}, {"name", "firstName"}, {"values", Json::array({"user.firstName"})}}})}};
  auto a = Api(*http, "POST", "/api/v1/apps",
               Json{{"label", "SAML bench"}, {"signOnMode", "SAML_2_0"}, {"settings", Json{{"signOn", so}}}}, 200);
  org.app_id = a["id"].get<std::string>();
  org.sso_path = "/app/" + a["name"].get<std::string>() + "/" + org.app_id + "/sso/saml";
  org.cert_pem =
      Api(*http, "GET", "/api/v1/apps/" + org.app_id + "/saml/certificate", Json(), 200)["pem"].get<std::string>();
  for (int i = 0; i < users; ++i) {
    std::string login = "saml.user" + std::to_string(i) + "@example.com";
    Json u{
        {"profile", Json{{"login", login}, {"email", login}, {"firstName", "Bench"}, {"lastName", std::to_string(i)}}},
        {"credentials", Json{{"password", Json{{"value", kPassword}}}}}};
    auto r = Api(*http, "POST", "/api/v1/users?activate=true", u, 200);
    Api(*http, "POST", "/api/v1/apps/" + org.app_id + "/users", Json{{"id", r["id"]}, {"scope", "USER"}}, 200);
    org.logins.push_back(login);
  }
  return org;
}

// The decoded SAMLResponse of the auto-submitting form ("" when absent).
std::string FormResponse(const std::string& html) {
  const std::string key = "name=\"SAMLResponse\" type=\"hidden\" value=\"";
  auto p = html.find(key);
  if (p == std::string::npos) return "";
  p += key.size();
  auto e = html.find('"', p);
  std::string out;
  if (e == std::string::npos || !core::Base64Decode(html.substr(p, e - p), &out)) return "";
  return out;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = s.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

struct ClientResult {
  long responses = 0, failures = 0;
  std::vector<double> us;
  std::vector<std::string> errors;
  double cpu_s = 0;
  std::string sample;  // the warm-up Response
};

void RunClient(const Org& org, int index, Clock::time_point start, Clock::time_point deadline, ClientResult& out) {
  const double cpu0 = ThreadCpuSeconds();
  auto http = core::MakeClient(org.base, 5, 30);
  auto fail = [&](const std::string& what) {
    ++out.failures;
    if (out.errors.size() < 5) out.errors.push_back(what);
  };
  // A session: POST /api/v1/authn, then the session token becomes the sid cookie.
  auto r = Send(*http, "POST", "/api/v1/authn",
                core::DumpCompact(Json{{"username", org.logins[static_cast<size_t>(index)]}, {"password", kPassword}}),
                {{"Accept", "application/json"}});
  auto aj = Json::parse(r.body, nullptr, false);
  if (r.status != 200 || aj.is_discarded() || !aj.contains("sessionToken")) Die("authn answered " + r.body);
  r = Send(*http, "GET",
           "/login/sessionCookieRedirect?token=" + core::UrlEncode(aj["sessionToken"].get<std::string>()) +
               "&redirectUrl=" + core::UrlEncode(org.sso_path),
           "");
  if (r.status != 302 || r.set_cookie.rfind("sid=", 0) != 0) Die("sessionCookieRedirect answered " + r.body);
  const httplib::Headers cookie{{"Cookie", r.set_cookie.substr(0, r.set_cookie.find(';'))}};
  const std::string action = "action=\"" + kAcs + "\"";

  for (long n = 0;; ++n) {
    if (n == 1) {
      std::this_thread::sleep_until(start);
    } else if (n > 1 && Clock::now() >= deadline) {
      break;
    }
    const auto t0 = Clock::now();
    r = Send(*http, "GET", org.sso_path, "", cookie);
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (r.status != 200 || r.body.find(action) == std::string::npos) {
      fail("sso: " + std::to_string(r.status) + " " + r.body.substr(0, 200));
      continue;
    }
    std::string xml = FormResponse(r.body);
    if (xml.find("<saml2p:Response") == std::string::npos ||
        Count(xml, "<ds:Signature ") + Count(xml, "<ds:Signature>") != 2) {
      fail("sso: no signed SAMLResponse in the form");
      continue;
    }
    if (n == 0) {  // the warm-up: both signatures verify under the published certificate
      auto sigs = saml::CheckSignatures(xml, org.cert_pem);
      if (!sigs.ok() || sigs->size() != 2 || !(*sigs)[0].valid || !(*sigs)[1].valid) {
        fail("sso: the Response's signatures do not verify");
      }
      out.sample = std::move(xml);
      continue;
    }
    ++out.responses;
    out.us.push_back(us);
  }
  http.reset();
  out.cpu_s = ThreadCpuSeconds() - cpu0;
}

Json Measure(const Org& org, int clients, double seconds, std::string* sample) {
  std::vector<ClientResult> results(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  const auto start = Clock::now() + std::chrono::milliseconds(400 + 50 * clients);
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back(RunClient, std::cref(org), i, start, deadline, std::ref(results[static_cast<size_t>(i)]));
  }
  std::this_thread::sleep_until(start);
  const double cpu0 = ProcessCpuSeconds();
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu0;

  ClientResult all;
  for (auto& r : results) {
    all.responses += r.responses;
    all.failures += r.failures;
    all.cpu_s += r.cpu_s;
    all.us.insert(all.us.end(), r.us.begin(), r.us.end());
    for (auto& e : r.errors) all.errors.push_back(e);
    if (sample->empty()) *sample = r.sample;
  }
  std::sort(all.us.begin(), all.us.end());
  double sum = 0;
  for (double x : all.us) sum += x;
  Json j;
  j["clients"] = clients;
  j["seconds"] = elapsed;
  j["responses"] = all.responses;
  j["failures"] = all.failures;
  if (!all.errors.empty()) j["errors"] = all.errors;
  j["responses_per_s"] = static_cast<double>(all.responses) / elapsed;
  j["mean_ms"] = all.us.empty() ? 0.0 : sum / static_cast<double>(all.us.size()) / 1000.0;
  j["p50_ms"] = Pct(all.us, 0.50) / 1000.0;
  j["p90_ms"] = Pct(all.us, 0.90) / 1000.0;
  j["p99_ms"] = Pct(all.us, 0.99) / 1000.0;
  j["max_ms"] = all.us.empty() ? 0.0 : all.us.back() / 1000.0;
  j["cpu_process_pct"] = 100.0 * cpu / elapsed;
  j["cpu_clients_pct"] = 100.0 * all.cpu_s / elapsed;
  j["server_cpu_us_per_response"] = all.responses ? 1e6 * (cpu - all.cpu_s) / static_cast<double>(all.responses) : 0.0;
  j["client_cpu_us_per_response"] = all.responses ? 1e6 * all.cpu_s / static_cast<double>(all.responses) : 0.0;
  return j;
}

std::vector<int> SplitInts(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, ',');) {
    if (!part.empty()) out.push_back(std::atoi(part.c_str()));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5, sign_seconds = 3;
  std::vector<int> clients{1, 4};
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
      clients = SplitInts(next());
    } else {
      std::fprintf(stderr, "usage: saml_bench [--seconds S] [--clients 1,4] [--sign-seconds S]\n");
      return 2;
    }
  }
  if (!(seconds > 0) || !(sign_seconds > 0) || clients.empty() ||
      std::any_of(clients.begin(), clients.end(), [](int c) { return c < 1 || c > 256; })) {
    Die("bad arguments");
  }
  (void)core::InitLogging("warn");
  const int cores = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));

  Json out;
  out["cores"] = cores;
  out["load_start"] = LoadAvg();
  out["seconds_per_run"] = seconds;

  long failures = 0;
  Json runs = Json::array();
  std::string sample;
  okta::Config c;
  c.port = 0;
  c.api_token = kApiToken;
  {
    okta::MockOkta okta(c);
    auto port = okta.Start();
    if (!port.ok()) Die("MockOkta::Start: " + port.error().detail);
    const Org org = SetUp(okta.base_url(), *std::max_element(clients.begin(), clients.end()));
    for (int n : clients) {
      Json r = Measure(org, n, seconds, &sample);
      failures += r["failures"].get<long>();
      std::fprintf(stderr, "saml_bench: %d client(s): %.1f responses/s, p50 %.3f ms, p99 %.3f ms, %ld failures\n", n,
                   r["responses_per_s"].get<double>(), r["p50_ms"].get<double>(), r["p99_ms"].get<double>(),
                   r["failures"].get<long>());
      runs.push_back(r);
    }
    okta.Stop();
  }
  if (sample.empty()) Die("no Response captured");
  auto ids = saml::XPathValues(sample, "/saml2p:Response/@ID | /saml2p:Response/saml2:Assertion/@ID");
  if (!ids.ok() || ids->size() != 2) Die("Response and Assertion IDs not found");
  const std::string response_id = (*ids)[0], assertion_id = (*ids)[1];
  out["response_bytes"] = sample.size();

  // The ceilings after the HTTP runs (same process, same key size, the captured document).
  out["ceiling"] = Ceilings(sample, assertion_id, response_id, sign_seconds, cores);
  out["runs"] = runs;
  out["load_end"] = LoadAvg();
  const auto& ceil = out["ceiling"];
  const double per_core = ceil["bare_xmlsec_1_thread"]["responses_per_s"].get<double>();
  const double all = ceil.contains("bare_xmlsec_all_cores")
                         ? ceil["bare_xmlsec_all_cores"]["responses_per_s"].get<double>()
                         : per_core;
  for (auto& r : out["runs"]) {
    const double cap = r["clients"].get<int>() == 1 ? per_core : all;
    r["ceiling_responses_per_s"] = cap;
    r["pct_of_ceiling"] = 100.0 * r["responses_per_s"].get<double>() / cap;
    r["bare_p50_share_of_p50_pct"] =
        100.0 * ceil["bare_xmlsec_1_thread"]["p50_us"].get<double>() / (1000.0 * r["p50_ms"].get<double>());
    r["bare_share_of_server_cpu_pct"] = 100.0 * ceil["bare_xmlsec_1_thread"]["cpu_us_per_iteration"].get<double>() /
                                        std::max(r["server_cpu_us_per_response"].get<double>(), 1e-9);
  }
  out["failures"] = failures;
  std::printf("%s\n", out.dump(2).c_str());
  return failures == 0 ? 0 : 1;
}

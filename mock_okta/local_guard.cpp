#include "mock_okta/local_guard.h"

#include "core/http.h"
#include "core/secret.h"

namespace okta {

namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The paths the guard covers: the console and the local controls.
bool Guarded(const std::string& path) {
  if (StartsWith(path, "/oauth2/") || StartsWith(path, "/.well-known/") || StartsWith(path, "/login/") ||
      StartsWith(path, "/app/") || path == "/api/v1/authn") {
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::pair<int, std::string>> RefuseForeignRequest(const httplib::Request& req, const std::string& bind,
                                                                const std::string& api_token) {
  if (!Guarded(req.path)) return std::nullopt;
  std::string host = core::HostName(req.get_header_value("Host"));
  bool wildcard = bind == "0.0.0.0" || bind == "::" || bind == "[::]";
  if (!wildcard && !core::IsLoopbackHost(host) && host != bind && host != "[" + bind + "]") {
    return std::make_pair(403, "the sandbox answers only on this machine's addresses (Host: " + host + ")");
  }
  if (StartsWith(req.path, "/sandbox/") && !core::IsLoopbackPeer(req.remote_addr)) {
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("SSWS ", 0) != 0 || !core::ConstantTimeEquals(auth.substr(5), api_token)) {
      return std::make_pair(401, "from another machine /sandbox/ needs the API token (Authorization: SSWS ...)");
    }
  }
  if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return std::nullopt;
  if (!StartsWith(req.path, "/sandbox/") && !StartsWith(req.path, "/api/v1/")) return std::nullopt;
  std::string origin = req.get_header_value("Origin");
  std::string self = req.get_header_value("Host");
  if (!origin.empty() && origin != "http://" + self && origin != "https://" + self) {
    return std::make_pair(403, "cross-origin requests may not change the sandbox (Origin: " + origin + ")");
  }
  return std::nullopt;
}

}  // namespace okta

// The scenario runner's HTTP clients: one per service it drives (the mock
// Okta's /api/v1 and /sandbox, SCIM, the SCIM server's admin API, the
// encryption service's fault switches). Internal to scenarios/.
//
// Not thread-safe: one run uses its clients from one thread.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "core/json_util.h"
#include "scenarios/endpoints.h"

namespace scenarios {

using core::Json;

// A step or setup action that could not be done; ends the scenario. Thrown
// by ServiceClient::Must and by steps, caught by the runner.
struct StepFailed {
  std::string message;
};

// One HTTP answer; status 0 means no answer (`error` says why).
struct Reply {
  int status = 0;
  std::string body;
  Json json;          // the parsed body, or null
  std::string error;  // transport error
  httplib::Headers headers;
  bool ok() const { return status >= 200 && status < 300; }
  // "201 {...}" (body cut at 300 bytes) or "no answer (<error>)".
  std::string Describe() const;
};

// A service reached over HTTP: origin client, path prefix, fixed headers.
class ServiceClient {
 public:
  ServiceClient() = default;
  // Throws StepFailed for a URL that cannot be parsed.
  void Open(const std::string& url, httplib::Headers headers);
  bool open() const { return client_ != nullptr; }

  // `path` is appended to the URL's path; a non-null body is sent as JSON.
  Reply Call(const std::string& method, const std::string& path, const Json& body = nullptr);
  // Like Call, but a non-2xx answer ends the step (throws StepFailed).
  Json Must(const std::string& method, const std::string& path, const Json& body = nullptr);
  // A request with a body as is (sent with `content_type` when not empty) and
  // `extra` headers after the fixed ones. Redirects are never followed.
  Reply Send(const std::string& method, const std::string& path, const std::string& body,
             const std::string& content_type, const httplib::Headers& extra = {});

 private:
  std::unique_ptr<httplib::Client> client_;
  std::string prefix_;
  httplib::Headers headers_;
};

// The clients of one run, opened from its Endpoints.
struct ServiceClients {
  ServiceClient okta;     // /api/v1 with the SSWS token
  ServiceClient sandbox;  // the mock Okta's /sandbox endpoints
  ServiceClient scim;     // the SCIM server, bearer token
  ServiceClient admin;    // the built-in SCIM server's admin API (not open with --against)
  ServiceClient enc;      // the encryption service (not open without one)

  // Throws StepFailed for a URL that cannot be parsed.
  void Open(const Endpoints& ep);
};

}  // namespace scenarios

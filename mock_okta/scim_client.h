// Sending planned SCIM requests. ScimSender is the seam between the engine
// and the network: the engine uses HttpScimSender; tests may substitute a
// recording fake (like ninja's CommandRunner).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mock_okta/scim_dialect.h"

namespace okta {

struct ScimExchange {
  int status = 0;            // 0: no HTTP answer (see error)
  std::string error;         // "" or a transport error ("Read timed out", "Connection refused", …)
  std::vector<Header> headers;
  std::string body;
  int64_t elapsed_ms = 0;
};

class ScimSender {
 public:
  virtual ~ScimSender() = default;
  // Sends `req` to base_url + req.Target(). Never throws. Thread-safe.
  virtual ScimExchange Send(const std::string& base_url, const ScimRequest& req, int timeout_ms) = 0;
};

// Over cpp-httplib. The planned headers are set verbatim so Okta's values win
// over httplib's defaults (Accept, User-Agent, Host, Content-Length), and URL
// re-encoding is off so '+' and %20 reach the server as planned. httplib
// writes headers sorted by name, so the wire order is alphabetical; the
// planned (Okta) order is kept in the traffic record.
//
// Connections are kept open and reused (per origin, one per concurrent
// sender, like Okta's pooled client): a request goes out on an idle
// keep-alive connection when there is one. The bytes of each request are the
// same either way. A connection found closed before use is replaced
// (httplib checks it); if writing the request on a reused connection still
// fails, the request is sent once more on a fresh connection — a request the
// server could not have read in full. A request whose answer failed to
// arrive (a read error or timeout) is never sent again.
class HttpScimSender final : public ScimSender {
 public:
  HttpScimSender();
  ~HttpScimSender() override;
  ScimExchange Send(const std::string& base_url, const ScimRequest& req, int timeout_ms) override;

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

}  // namespace okta

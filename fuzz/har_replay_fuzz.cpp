// HAR import (scenarios/traffic.cpp ReplayHar, behind `okta-sandbox replay
// FILE.har`): any JSON document read as a HAR and replayed against a small
// SCIM-shaped server in this process (127.0.0.1, an ephemeral port), which
// answers 201 to POST, 204 to DELETE and 200 otherwise with a resource or a
// ListResponse, so id learning, rewriting and body comparison all run.
// Oracles besides the sanitizers: nothing throws — a HAR with wrongly typed
// fields is an error or a skipped entry, never a crash of the command.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

#include "core/json_util.h"
#include "scenarios/traffic.h"

namespace {

std::string ServerUrl() {
  static const std::string url = [] {
    static httplib::Server server;
    server.set_keep_alive_max_count(1000000);
    auto answer = [](const httplib::Request& req, httplib::Response& res) {
      if (req.method == "DELETE") {
        res.status = 204;
        return;
      }
      res.status = req.method == "POST" ? 201 : 200;
      res.set_content(req.path.find("/Users/") != std::string::npos
                          ? R"({"id":"srv-u1","userName":"a","meta":{"version":"W/\"1\""}})"
                          : R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],)"
                            R"("totalResults":1,"Resources":[{"id":"srv-u2","active":true}]})",
                      "application/scim+json");
    };
    server.Get(".*", answer);
    server.Post(".*", answer);
    server.Put(".*", answer);
    server.Patch(".*", answer);
    server.Delete(".*", answer);
    int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) std::abort();
    std::thread([] { server.listen_after_bind(); }).detach();
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return "http://127.0.0.1:" + std::to_string(port) + "/scim/v2";
  }();
  return url;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto har = core::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!har.ok()) return 0;
  (void)scenarios::ReplayHar(*har, ServerUrl(), "token");
  return 0;
}

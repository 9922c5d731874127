// The ceilings a SCIM endpoint is measured against, with the same server
// settings as every service (core::ConfigureServer: 32 workers, keep-alive,
// TCP_NODELAY):
//   bare_server fixed  PORT        GET /x answers a fixed 567-byte JSON body
//   bare_server sqlite PORT DB     GET /row/<pk> answers users.data of that
//                                  row (one read connection per worker thread)
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/http.h"
#include "core/sqlite.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bare_server fixed|sqlite PORT [DB]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int port = std::atoi(argv[2]);
  httplib::Server server;
  core::ConfigureServer(server, core::HttpServerOptions{});
  std::unique_ptr<core::DbPool> pool;
  if (mode == "fixed") {
    // The size of a typical SCIM User representation.
    std::string body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"x\",\"userName\":\"";
    body += std::string(567 - body.size() - 3, 'a');
    body += "\"}\n";
    server.Get("/x", [body](const httplib::Request&, httplib::Response& res) {
      res.set_content(body, "application/scim+json");
    });
  } else if (mode == "sqlite" && argc >= 4) {
    auto opened = core::DbPool::Open(argv[3], {});
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.error().detail.c_str());
      return 1;
    }
    pool = std::move(*opened);
    server.Get(R"(/row/(\d+))", [&pool](const httplib::Request& req, httplib::Response& res) {
      int64_t pk = std::stoll(req.matches[1]);
      std::string data = pool->Read([pk](core::Db& db) -> std::string {
        auto st = db.Prepare("SELECT data FROM users WHERE pk = ?");
        if (!st.ok()) return "";
        (*st)->Bind(1, pk);
        auto row = (*st)->Step();
        std::string out = (row.ok() && *row) ? (*st)->ColumnText(0) : std::string();
        (*st)->Reset();
        return out;
      });
      if (data.empty()) res.status = 404;
      else res.set_content(data, "application/scim+json");
    });
  } else {
    std::fprintf(stderr, "usage: bare_server fixed|sqlite PORT [DB]\n");
    return 2;
  }
  // Block the stop signals before any thread starts, so sigwait gets them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  core::HttpListener listener(server);
  auto bound = listener.Start("127.0.0.1", port);
  if (!bound.ok()) {
    std::fprintf(stderr, "%s\n", bound.error().detail.c_str());
    return 1;
  }
  std::printf("bare_server %s on %d\n", mode.c_str(), *bound);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  listener.Stop();
  return 0;
}

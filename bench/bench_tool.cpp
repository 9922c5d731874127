// Helpers for bench/run.sh:
//   bench_tool seed DB USERS GROUPS MEMBERS_PER_GROUP   fill a store (SeedStore), print seconds
//   bench_tool wait-ready URL TIMEOUT_MS                 poll URL every millisecond until it answers 200
//   bench_tool bulk DB OPS ROUNDS                        run ROUNDS Bulk requests of OPS User POSTs in
//                                                        process (ExecuteBulk + StoreBulkTarget), print
//                                                        "ops_per_s p50_ms p99_ms"
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/http.h"
#include "core/json_util.h"
#include "scim_server/bulk.h"
#include "scim_server/scim_store.h"
#include "scim_server/seed_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

int Seed(int argc, char** argv) {
  if (argc < 6) return 2;
  auto t0 = Clock::now();
  auto s = scim::SeedStore(argv[2], std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5]), 20240501);
  if (!s.ok()) {
    std::fprintf(stderr, "seed failed: %s\n", s.error().detail.c_str());
    return 1;
  }
  std::printf("%.2f\n", Seconds(t0));
  return 0;
}

int WaitReady(int argc, char** argv) {
  if (argc < 4) return 2;
  auto url = core::ParseUrl(argv[2]);
  if (!url.ok()) return 2;
  const double timeout = std::atof(argv[3]) / 1000.0;
  auto t0 = Clock::now();
  while (Seconds(t0) < timeout) {
    httplib::Client client(url->host, url->port);
    client.set_connection_timeout(0, 100000);
    auto r = client.Get(url->path.c_str());
    if (r && r->status == 200) {
      std::printf("%.1f\n", Seconds(t0) * 1000);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::fprintf(stderr, "not ready after %s ms\n", argv[3]);
  return 1;
}

int Bulk(int argc, char** argv) {
  if (argc < 5) return 2;
  core::SystemClock clock;
  core::UuidV7Source ids(clock);
  auto store = scim::ScimStore::Open(argv[2], clock, ids);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().detail.c_str());
    return 1;
  }
  scim::StoreBulkTarget target(**store, "http://127.0.0.1/scim/v2");
  const int ops = std::atoi(argv[3]);
  const int rounds = std::atoi(argv[4]);
  std::vector<double> ms;
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int r = 0; r < rounds; ++r) {
    core::Json operations = core::Json::array();
    for (int i = 0; i < ops; ++i) {
      std::string name = "bulk." + run + "." + std::to_string(r) + "." + std::to_string(i) + "@example.com";
      operations.push_back({{"method", "POST"},
                            {"path", "/Users"},
                            {"bulkId", "b" + std::to_string(i)},
                            {"data",
                             {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                              {"userName", name},
                              {"name", {{"givenName", "Bulk"}, {"familyName", "User"}}},
                              {"emails", {{{"value", name}, {"type", "work"}, {"primary", true}}}},
                              {"active", true}}}});
    }
    std::string body = core::DumpCompact(
        {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}}, {"Operations", operations}});
    auto t0 = Clock::now();
    auto resp = scim::ExecuteBulk(body, {}, target);
    std::string out = resp.ok() ? core::DumpCompact(*resp) : std::string();
    ms.push_back(Seconds(t0) * 1000);
    if (!resp.ok() || (*resp)["Operations"].size() != static_cast<size_t>(ops) ||
        (*resp)["Operations"][0]["status"] != "201") {
      std::fprintf(stderr, "bulk failed: %s\n", resp.ok() ? out.substr(0, 300).c_str() : resp.error().detail.c_str());
      return 1;
    }
  }
  std::sort(ms.begin(), ms.end());
  double total = 0;
  for (double m : ms) total += m;
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("%.0f %.1f %.1f\n", ops * rounds / (total / 1000), pct(0.5), pct(0.99));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  int rc = 2;
  if (cmd == "seed") rc = Seed(argc, argv);
  else if (cmd == "wait-ready") rc = WaitReady(argc, argv);
  else if (cmd == "bulk") rc = Bulk(argc, argv);
  if (rc == 2) std::fprintf(stderr, "usage: see the comment at the top of bench/bench_tool.cpp\n");
  return rc;
}

// Helpers for bench/run.sh:
//   bench_tool seed DB USERS GROUPS MEMBERS_PER_GROUP   fill a store (SeedStore), print seconds
//   bench_tool wait-ready URL TIMEOUT_MS                 poll URL every millisecond until it answers 200
//   bench_tool bulk DB OPS ROUNDS                        run ROUNDS Bulk requests of OPS User POSTs in
//                                                        process (ExecuteBulk + StoreBulkTarget), print
//                                                        "ops_per_s p50_ms p99_ms"
//   bench_tool push-client BASE TOKEN N post|pair[-close] the sequential push-client ceiling (bench/e2e_provision.sh):
//                                                        one keep-alive connection sending N Okta-style
//                                                        POST BASE/Users ("post"), or per user the Okta
//                                                        lookup GET ?filter=userName eq then the POST
//                                                        ("pair"); "-close": a new connection per request;
//                                                        prints "seconds requests req_per_s users_per_s"
//   bench_tool okta-setup OKTA SSWS N CONNS              in a running mock Okta: N active users in one new
//                                                        group (CONNS keep-alive connections), not assigned
//                                                        to any app; prints "APP_ID GROUP_ID seconds" (the app
//                                                        is the preset "NordPass Provisioning")
//   bench_tool sync-probe DIR COUNT                      COUNT appends of 4 KiB to a new file in DIR, each
//                                                        followed by fdatasync (what a lone durable commit
//                                                        waits for); prints "p50_ms p90_ms"
//   bench_tool provision-run OKTA SSWS SCIM_BASE SCIM_TOKEN APP GROUP N PID POLL_MS TIMEOUT_S
//                                                        assigns GROUP to APP and times it until the SCIM
//                                                        server holds N users and the mock lists N app users
//                                                        PROVISIONED with an externalId; samples PID's CPU
//                                                        and memory; prints key=value lines, exit 1 on failure
#include <httplib.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
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

// ---- end-to-end provisioning (bench/e2e_provision.sh) -------------------------------------

// An Okta-style SCIM create body (mock_okta/planner.cpp UserCreateBody, Profile B).
std::string OktaCreateBody(const std::string& user_name, int i) {
  core::Json b = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                  {"userName", user_name},
                  {"name", {{"givenName", "Bench"}, {"familyName", "User" + std::to_string(i)}}},
                  {"emails", {{{"primary", true}, {"value", user_name}, {"type", "work"}}}},
                  {"displayName", "Bench User" + std::to_string(i)},
                  {"locale", "en-US"},
                  {"externalId", "00u" + std::to_string(100000000 + i)},
                  {"groups", core::Json::array()},
                  {"password", "Xy7!kq0_Pz" + std::to_string(i)},
                  {"active", true}};
  return core::DumpCompact(b);
}

// A unique prefix per process so repeated runs against one store never collide.
std::string RunTag() {
  return std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1000000 % 100000000);
}

int PushClient(int argc, char** argv) {
  if (argc < 6) return 2;
  auto url = core::ParseUrl(argv[2]);
  if (!url.ok()) return 2;
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + argv[3]},
                                 {"Accept", "application/scim+json"},
                                 {"User-Agent", "Okta SCIM Client 1.0.0"}};
  const int n = std::atoi(argv[4]);
  const std::string mode = argv[5];
  const bool pair = mode.rfind("pair", 0) == 0;
  auto client = core::MakeClient(url->Origin(), 5, 60);
  // "post-close" / "pair-close": a new connection per request, as the mock's client used to do.
  if (mode.find("-close") != std::string::npos) client->set_keep_alive(false);
  const std::string users = url->path + "/Users";
  const std::string tag = RunTag();
  long requests = 0;
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::string name = "push." + tag + "." + std::to_string(i) + "@example.com";
    if (pair) {
      // Okta's lookup, encoded as Okta sends it (%20 and %22).
      std::string target = users + "?filter=userName%20eq%20%22" + core::UrlEncode(name, false) +
                           "%22&startIndex=1&count=100";
      auto r = client->Get(target.c_str(), auth);
      ++requests;
      bool empty = r && r->status == 200;
      if (empty) {
        auto list = core::ParseJson(r->body);
        empty = list.ok() && list->is_object() && list->value("totalResults", -1) == 0;
      }
      if (!empty) {
        std::fprintf(stderr, "lookup %d failed: %s\n", i,
                     r ? (std::to_string(r->status) + " " + r->body.substr(0, 200)).c_str()
                       : httplib::to_string(r.error()).c_str());
        return 1;
      }
    }
    auto r = client->Post(users.c_str(), auth, OktaCreateBody(name, i), "application/scim+json; charset=utf-8");
    ++requests;
    if (!r || r->status != 201) {
      std::fprintf(stderr, "create %d failed: %s\n", i,
                   r ? (std::to_string(r->status) + " " + r->body.substr(0, 200)).c_str()
                     : httplib::to_string(r.error()).c_str());
      return 1;
    }
  }
  double s = Seconds(t0);
  std::printf("%.3f %ld %.1f %.1f\n", s, requests, requests / s, n / s);
  return 0;
}

std::string JsonString(const std::string& body, const char* key) {
  auto j = core::ParseJson(body);
  if (!j.ok() || !j->is_object() || !j->contains(key) || !(*j)[key].is_string()) return "";
  return (*j)[key].get<std::string>();
}

int OktaSetup(int argc, char** argv) {
  if (argc < 6) return 2;
  const std::string okta = argv[2];
  const httplib::Headers auth = {{"Authorization", std::string("SSWS ") + argv[3]}, {"Accept", "application/json"}};
  const int n = std::atoi(argv[4]);
  const int conns = std::max(1, std::atoi(argv[5]));
  auto client = core::MakeClient(okta, 5, 60);
  auto apps = client->Get("/api/v1/apps?q=NordPass&limit=20", auth);
  std::string app_id;
  if (apps && apps->status == 200) {
    auto j = core::ParseJson(apps->body);
    if (j.ok() && j->is_array()) {
      for (const auto& a : *j) {
        if (a.value("label", "") == "NordPass Provisioning") app_id = a.value("id", "");
      }
    }
  }
  if (app_id.empty()) {
    std::fprintf(stderr, "the preset app \"NordPass Provisioning\" was not found\n");
    return 1;
  }
  const std::string tag = RunTag();
  auto t0 = Clock::now();
  auto g = client->Post("/api/v1/groups", auth,
                        core::DumpCompact({{"profile", {{"name", "E2E bench " + tag}, {"description", "bench"}}}}),
                        "application/json");
  std::string group_id = g && g->status == 200 ? JsonString(g->body, "id") : "";
  if (group_id.empty()) {
    std::fprintf(stderr, "creating the group failed: %s\n", g ? g->body.substr(0, 300).c_str() : "no answer");
    return 1;
  }
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex err_mu;
  auto work = [&] {
    auto c = core::MakeClient(okta, 5, 60);
    for (int i = next++; i < n && !failed; i = next++) {
      std::string email = "e2e." + tag + "." + std::to_string(i) + "@example.com";
      core::Json body = {{"profile",
                          {{"firstName", "Bench"},
                           {"lastName", "User" + std::to_string(i)},
                           {"email", email},
                           {"login", email}}}};
      auto u = c->Post("/api/v1/users?activate=true", auth, core::DumpCompact(body), "application/json");
      std::string uid = u && u->status == 200 ? JsonString(u->body, "id") : "";
      std::string why;
      if (uid.empty()) {
        why = u ? u->body.substr(0, 300) : "no answer to the create";
      } else {
        auto m = c->Put(("/api/v1/groups/" + group_id + "/users/" + uid).c_str(), auth, "", "application/json");
        if (!m || m->status != 204) why = m ? m->body.substr(0, 300) : "no answer to the membership PUT";
      }
      if (!why.empty()) {
        failed = true;
        std::lock_guard<std::mutex> lk(err_mu);
        std::fprintf(stderr, "user %d: %s\n", i, why.c_str());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < conns; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (failed) return 1;
  std::printf("%s %s %.2f\n", app_id.c_str(), group_id.c_str(), Seconds(t0));
  return 0;
}

// utime + stime of a process, in seconds; -1 when it cannot be read.
double CpuSeconds(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
  for (int f = 3; f <= 15 && rest >> field; ++f) {
    if (f == 14) utime = std::stoull(field);
    if (f == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long StatusKb(long pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return -1;
}

int64_t ScimTotal(httplib::Client& c, const std::string& path, const httplib::Headers& auth) {
  auto r = c.Get(path.c_str(), auth);
  if (!r || r->status != 200) return -1;
  auto j = core::ParseJson(r->body);
  if (!j.ok() || !j->contains("totalResults") || !(*j)["totalResults"].is_number_integer()) return -1;
  return (*j)["totalResults"].get<int64_t>();
}

int ProvisionRun(int argc, char** argv) {
  if (argc < 12) return 2;
  const std::string okta = argv[2];
  const httplib::Headers okta_auth = {{"Authorization", std::string("SSWS ") + argv[3]},
                                      {"Accept", "application/json"}};
  auto scim_url = core::ParseUrl(argv[4]);
  if (!scim_url.ok()) return 2;
  const httplib::Headers scim_auth = {{"Authorization", std::string("Bearer ") + argv[5]}};
  const std::string app = argv[6], group = argv[7];
  const int64_t n = std::atoll(argv[8]);
  const long pid = std::atol(argv[9]);
  const auto poll = std::chrono::milliseconds(std::max(1, std::atoi(argv[10])));
  const double timeout = std::atof(argv[11]);
  const std::string count_path = scim_url->path + "/Users?count=0";
  auto okta_client = core::MakeClient(okta, 5, 120);
  auto scim_client = core::MakeClient(scim_url->Origin(), 5, 60);

  // The peak RSS of the run only: "5" resets VmHWM (Linux >= 4.0, needs the
  // right to write the process's clear_refs); else the peak includes setup.
  bool hwm_reset = false;
  if (int fd = ::open(("/proc/" + std::to_string(pid) + "/clear_refs").c_str(), O_WRONLY); fd >= 0) {
    hwm_reset = ::write(fd, "5", 1) == 1;
    ::close(fd);
  }
  const long rss_start = StatusKb(pid, "VmRSS");
  long rss_max = rss_start;
  const double cpu0 = CpuSeconds(pid);
  int scim_polls = 0, okta_polls = 0;
  int64_t scim_count = -1;
  double scim_done = -1, put_s = -1, end_s = -1, verify_ms = -1;
  int64_t provisioned = -1, listed = -1;

  auto t0 = Clock::now();
  auto put = okta_client->Put(("/api/v1/apps/" + app + "/groups/" + group).c_str(), okta_auth, "{}", "application/json");
  put_s = Seconds(t0);
  if (!put || put->status != 200) {
    std::fprintf(stderr, "assigning the group failed: %s\n", put ? put->body.substr(0, 300).c_str() : "no answer");
    return 1;
  }
  bool done = false;
  int64_t last_count = -1;
  double last_progress = 0;
  while (!done && Seconds(t0) < timeout) {
    // Cheap: one count(*) on the SCIM server. The mock's app user list
    // (all N rendered) is only read once the SCIM server has every user.
    scim_count = ScimTotal(*scim_client, count_path, scim_auth);
    ++scim_polls;
    if (long rss = StatusKb(pid, "VmRSS"); rss > rss_max) rss_max = rss;
    if (scim_count != last_count) {
      last_count = scim_count;
      last_progress = Seconds(t0);
    } else if (Seconds(t0) - last_progress > 60) {
      std::fprintf(stderr, "no progress for 60 s (SCIM server holds %lld users)\n", static_cast<long long>(scim_count));
      break;
    }
    if (scim_count >= n) {
      if (scim_done < 0) scim_done = Seconds(t0);
      // The mock reads its app users when the request arrives; rendering
      // all N takes a while, so the state seen is the one at the send time.
      const double sent = Seconds(t0);
      ++okta_polls;
      listed = provisioned = 0;
      bool read_all = false;
      // Follows Okta's Link rel="next" paging, should the list ever be paged.
      std::string target = "/api/v1/apps/" + app + "/users";
      for (int page = 0; page < 100000 && !target.empty(); ++page) {
        auto r = okta_client->Get(target.c_str(), okta_auth);
        if (!r || r->status != 200) break;
        auto j = core::ParseJson(r->body);
        if (!j.ok() || !j->is_array()) break;
        listed += static_cast<int64_t>(j->size());
        for (const auto& au : *j) {
          if (au.value("status", "") == "PROVISIONED" && au.contains("externalId") && au["externalId"].is_string()) {
            ++provisioned;
          }
        }
        target.clear();
        for (auto [it, end] = r->headers.equal_range("Link"); it != end; ++it) {
          const std::string& link = it->second;
          auto lt = link.find('<'), gt = link.find('>');
          if (link.find("rel=\"next\"") == std::string::npos || lt == std::string::npos || gt == std::string::npos) continue;
          std::string url = link.substr(lt + 1, gt - lt - 1);
          auto path = url.find('/', url.find("//") == std::string::npos ? 0 : url.find("//") + 2);
          if (path != std::string::npos) target = url.substr(path);
        }
        read_all = target.empty();
      }
      verify_ms = (Seconds(t0) - sent) * 1000;
      done = read_all && provisioned == n && listed == n;
      if (done) end_s = sent;
    }
    if (!done) std::this_thread::sleep_for(poll);
  }
  const double cpu = CpuSeconds(pid) - cpu0;
  const double cpu_interval = Seconds(t0);
  const double total = end_s > 0 ? end_s : cpu_interval;
  if (long rss = StatusKb(pid, "VmRSS"); rss > rss_max) rss_max = rss;
  const long hwm = StatusKb(pid, "VmHWM");
  // The final check: exactly N users on the SCIM server, no failed task.
  scim_count = ScimTotal(*scim_client, count_path, scim_auth);
  auto tasks = okta_client->Get("/sandbox/tasks", okta_auth);
  int open_tasks = -1;
  if (tasks && tasks->status == 200) {
    auto j = core::ParseJson(tasks->body);
    if (j.ok() && j->is_array()) {
      open_tasks = 0;
      for (const auto& t : *j) open_tasks += t.value("status", "") == "OPEN";
    }
  }
  std::printf("seconds=%.3f\n", total);
  std::printf("users_per_s=%.1f\n", n / total);
  std::printf("assign_put_s=%.3f\n", put_s);
  std::printf("scim_complete_s=%.3f\n", scim_done);
  std::printf("verify_read_ms=%.0f\n", verify_ms);
  std::printf("scim_users=%lld\n", static_cast<long long>(scim_count));
  std::printf("app_users=%lld\n", static_cast<long long>(listed));
  std::printf("app_users_provisioned=%lld\n", static_cast<long long>(provisioned));
  std::printf("open_tasks=%d\n", open_tasks);
  std::printf("scim_polls=%d\nokta_polls=%d\n", scim_polls, okta_polls);
  std::printf("cpu_s=%.2f\ncpu_pct=%.0f\n", cpu, 100 * cpu / cpu_interval);
  std::printf("rss_start_kb=%ld\nrss_max_sampled_kb=%ld\nhwm_kb=%ld\nhwm_reset=%d\n", rss_start, rss_max, hwm,
              hwm_reset ? 1 : 0);
  std::fflush(stdout);
  if (open_tasks < 0) std::fprintf(stderr, "provision-run: /sandbox/tasks did not answer a list; not checked\n");
  bool ok = done && scim_count == n && open_tasks <= 0;
  if (!ok) std::fprintf(stderr, "provision-run: not complete (done=%d scim_users=%lld open_tasks=%d)\n", done,
                        static_cast<long long>(scim_count), open_tasks);
  return ok ? 0 : 1;
}

// The disk's sync latency right now: a sequential durable writer cannot beat it.
int SyncProbe(int argc, char** argv) {
  if (argc < 4) return 2;
  const std::string path = std::string(argv[2]) + "/sync-probe." + RunTag();
  const int count = std::max(1, std::atoi(argv[3]));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  std::string block(4096, 'x');
  std::vector<double> ms;
  for (int i = 0; i < count; ++i) {
    auto t0 = Clock::now();
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()) || ::fdatasync(fd) != 0) {
      std::perror("write/fdatasync");
      ::close(fd);
      ::unlink(path.c_str());
      return 1;
    }
    ms.push_back(Seconds(t0) * 1000);
  }
  ::close(fd);
  ::unlink(path.c_str());
  std::sort(ms.begin(), ms.end());
  std::printf("%.2f %.2f\n", ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  int rc = 2;
  if (cmd == "seed") rc = Seed(argc, argv);
  else if (cmd == "wait-ready") rc = WaitReady(argc, argv);
  else if (cmd == "bulk") rc = Bulk(argc, argv);
  else if (cmd == "push-client") rc = PushClient(argc, argv);
  else if (cmd == "okta-setup") rc = OktaSetup(argc, argv);
  else if (cmd == "provision-run") rc = ProvisionRun(argc, argv);
  else if (cmd == "sync-probe") rc = SyncProbe(argc, argv);
  if (rc == 2) std::fprintf(stderr, "usage: see the comment at the top of bench/bench_tool.cpp\n");
  return rc;
}

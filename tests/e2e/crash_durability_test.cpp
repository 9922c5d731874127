// Crash durability of the SCIM store (issue 16 item 16). `okta-sandbox
// scim-server` on a data folder takes User creates from concurrent writers and
// is killed with SIGKILL mid-run. Its SQLite files are then put back to what
// had been synced to disk (power_loss_vfs.cpp, preloaded into the process,
// keeps that copy), as after a power cut. Every create that was acknowledged
// with a 201 must still be there after a restart, and PRAGMA integrity_check
// must say ok. Without durable writes (synchronous=FULL on the SCIM store) the
// acknowledged creates since the last checkpoint are lost and this fails.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/http.h"
#include "core/json_util.h"
#include "core/secret.h"

extern char** environ;

namespace fs = std::filesystem;

namespace {

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// okta-sandbox scim-server on `data`, stdout to `out`; LD_PRELOAD=`preload` when not empty.
struct ScimProcess {
  pid_t pid = -1;
  int port = 0;

  ScimProcess(const fs::path& data, const fs::path& out, const std::string& preload) {
    std::string bin = EnvOr("OKTA_SANDBOX_BIN");
    REQUIRE_FALSE(bin.empty());
    std::vector<std::string> args = {bin, "--log-level", "warn", "scim-server", "--port", "0",
                                     "--data-dir", data.string(), "--token", "t"};
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      if (std::string(*e).rfind("LD_PRELOAD=", 0) != 0) env.push_back(*e);
    }
    if (!preload.empty()) env.push_back("LD_PRELOAD=" + preload);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    std::regex listening(R"(listening on 127\.0\.0\.1:(\d+))");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (port == 0 && std::chrono::steady_clock::now() < deadline) {
      std::ifstream f(out);
      std::stringstream text;
      text << f.rdbuf();
      std::smatch m;
      std::string s = text.str();
      if (std::regex_search(s, m, listening)) port = std::stoi(m[1]);
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (port == 0) {
      Kill(SIGKILL);
      std::ifstream f(out);
      std::stringstream text;
      text << f.rdbuf();
      FAIL("okta-sandbox printed no port in 30 s: " << text.str());
    }
  }
  ~ScimProcess() { Kill(SIGTERM); }
  void Kill(int sig) {
    if (pid <= 0) return;
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Puts every file back to its synced copy and drops the shared-memory index:
// what a machine finds on disk after losing power. Returns how many files were restored.
int PowerCut(const fs::path& data) {
  int restored = 0;
  std::vector<fs::path> entries(fs::directory_iterator(data), fs::directory_iterator{});
  for (const auto& p : entries) {
    std::string name = p.filename().string();
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".synced") == 0) {
      fs::rename(p, data / name.substr(0, name.size() - 7));
      ++restored;
    } else if (name.size() > 4 && name.compare(name.size() - 4, 4, "-shm") == 0) {
      fs::remove(p);
    } else if (name.size() > 15 && name.compare(name.size() - 15, 15, ".synced.partial") == 0) {
      fs::remove(p);  // a copy the kill interrupted: never became the synced state
    }
  }
  return restored;
}

std::string IntegrityCheck(const fs::path& db_path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    } else {
      result = sqlite3_errmsg(db);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return result;
}

}  // namespace

TEST_CASE("acknowledged SCIM writes survive kill -9 and a power cut; the store stays intact",
          "[e2e][durability]") {
  std::string vfs = EnvOr("POWER_LOSS_VFS");
  REQUIRE_FALSE(vfs.empty());
  fs::path dir = fs::temp_directory_path() / ("okta-sandbox-crash-" + std::to_string(::getpid()) + "-" +
                                              core::RandomToken(6));
  fs::create_directories(dir);
  fs::path data = dir / "data";

  constexpr int kWriters = 6;
  constexpr size_t kKillAfter = 400;  // acknowledged creates before the kill
  std::mutex mu;
  std::vector<std::string> acknowledged;
  {
    ScimProcess server(data, dir / "out-1.txt", vfs);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto client = core::MakeClient(server.origin(), 2, 10);
        httplib::Headers auth{{"Authorization", "Bearer t"}};
        for (int i = 0; !stop; ++i) {
          core::Json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
                             {"userName", "w" + std::to_string(w) + "-" + std::to_string(i) + "@crash.example"},
                             {"active", true}};
          auto r = client->Post("/scim/v2/Users", auth, core::DumpCompact(body), "application/scim+json");
          if (!r) return;  // the server is gone
          if (r->status != 201) continue;
          auto id = core::ParseJson(r->body);
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back(id.ok() ? id->value("id", "") : "");
        }
      });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (acknowledged.size() >= kKillAfter) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    server.Kill(SIGKILL);  // mid-run: the writers are still sending
    stop = true;
    for (auto& t : writers) t.join();
  }
  std::vector<std::string> acked;
  {
    std::lock_guard<std::mutex> lock(mu);
    acked = acknowledged;
  }
  INFO(acked.size() << " creates acknowledged before the kill");
  REQUIRE(acked.size() >= kKillAfter);

  // The preloaded VFS kept synced copies of the store's files (else this test checks nothing).
  REQUIRE(fs::exists(data / "scim.db.synced"));
  REQUIRE(fs::exists(data / "scim.db-wal.synced"));
  CHECK(PowerCut(data) >= 2);
  CHECK(IntegrityCheck(data / "scim.db") == "ok");

  ScimProcess restarted(data, dir / "out-2.txt", "");
  auto client = core::MakeClient(restarted.origin());
  httplib::Headers auth{{"Authorization", "Bearer t"}};
  size_t lost = 0;
  for (const auto& id : acked) {
    auto r = client->Get(("/scim/v2/Users/" + id).c_str(), auth);
    if (!r || r->status != 200) ++lost;
  }
  CHECK(lost == 0);
  auto all = client->Get("/scim/v2/Users?count=0", auth);
  REQUIRE(all);
  CHECK(core::ParseJson(all->body)->value("totalResults", 0) >= static_cast<int>(acked.size()));
  restarted.Kill(SIGTERM);
  CHECK(IntegrityCheck(data / "scim.db") == "ok");
  fs::remove_all(dir);
}

#include "app/data_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/secret.h"

namespace app {

namespace fs = std::filesystem;

std::string StorageOptions::PathFor(const std::string& file) const {
  if (in_memory) return ":memory:";
  MakePrivateDir(data_dir);
  auto path = fs::path(data_dir) / file;
  LockOrExit(path);
  MakePrivateFile(path);
  return path.string();
}

void StorageOptions::LockOrExit(const fs::path& db) {
  std::string lock = db.string() + ".lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;  // a read-only folder: SQLite will say what is wrong
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {0};
    ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
    std::string who = n > 0 ? std::string(pid, static_cast<size_t>(n)) : std::string("?");
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    std::fprintf(stderr,
                 "error: %s is in use by another okta-sandbox (pid %s). Stop it, or use another --data-dir "
                 "(or --in-memory).\n",
                 db.string().c_str(), who.c_str());
    std::exit(1);
  }
  std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)::pwrite(fd, me.data(), me.size(), 0);
  // fd stays open (and locked) for the life of the process.
}

void StorageOptions::MakePrivateDir(const std::string& dir) {
  fs::create_directories(dir);
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
}

void StorageOptions::MakePrivateFile(const fs::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::path p = path.string() + suffix;
    if (fs::exists(p, ec)) fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  }
}

void AddStorageOptions(CLI::App* cmd, StorageOptions& opts) {
  auto* dir = cmd->add_option("--data-dir", opts.data_dir, "Folder for the SQLite files")->capture_default_str();
  auto* mem = cmd->add_flag("--in-memory", opts.in_memory, "Keep everything in memory; nothing survives a restart");
  dir->excludes(mem);
}

std::string OktaTokenFor(const std::string& given, const StorageOptions& storage) {
  if (!given.empty() || storage.in_memory) return given;
  StorageOptions::MakePrivateDir(storage.data_dir);
  auto path = fs::path(storage.data_dir) / "okta-api-token";
  StorageOptions::MakePrivateFile(path);
  std::string token;
  if (std::ifstream in(path); in) std::getline(in, token);
  if (token.empty()) {
    token = core::RandomToken(30);
    std::ofstream(path) << token << "\n";
  }
  return token;
}

}  // namespace app

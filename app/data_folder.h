// The data folder of the service commands (`up`, `okta`, `scim-server`,
// `encryption`): where the SQLite files and the kept credentials live, the
// user's alone (0700 folder, 0600 files), one process at a time (a lock file
// beside each database).
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace app {

// Storage options shared by every service command.
struct StorageOptions {
  std::string data_dir = "data";
  bool in_memory = false;

  // The database path for `file` in the data folder (creating the folder), or ":memory:".
  // The folder is the user's alone (0700) and so is the file (0600), also
  // when they were made by an older version with looser modes. Exits 1 when
  // another process holds the file (LockOrExit).
  std::string PathFor(const std::string& file) const;

  // One process per database file: an exclusive flock on "<file>.lock", held
  // until the process ends (the kernel drops it even after a crash). A second
  // process on the same data folder stops here with a clear message instead
  // of sharing the SQLite files.
  static void LockOrExit(const std::filesystem::path& db);
  static void MakePrivateDir(const std::string& dir);
  // Makes `path` (and its SQLite -wal/-shm companions) 0600 where they exist.
  static void MakePrivateFile(const std::filesystem::path& path);
};

// --data-dir and --in-memory on `cmd` (they exclude each other).
void AddStorageOptions(CLI::App* cmd, StorageOptions& opts);

// The mock Okta's API token: the given one, else the one kept in the data
// folder, else a new one (kept there) -- so scripts and SDK configs keep working
// across restarts. In memory: empty, and the mock makes a fresh one.
std::string OktaTokenFor(const std::string& given, const StorageOptions& storage);

}  // namespace app

// A SQLite VFS, loaded with LD_PRELOAD into okta-sandbox by the crash
// durability test, that lets the test simulate a power cut after a kill -9.
// It wraps the default VFS and becomes the default itself. Every database,
// WAL and rollback-journal file it opens gets a shadow copy "<file>.synced"
// holding what the disk would keep if the power went out: the file's content
// when it was opened, replaced by its current content at every xSync (a copy
// "<file>.synced.partial" renamed into place, so a kill mid-copy leaves the
// previous shadow whole). Data
// written but never synced exists only in the file itself. After killing the
// process, the test puts each shadow in place of its file; a store that
// acknowledged a write before syncing it then loses that write.
#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>

namespace {

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_io;
std::mutex g_shadow_mu;

// The wrapper's file; the default VFS's own file follows it in the same allocation.
struct File {
  sqlite3_file base;
  char* path;  // malloc'd; nullptr for files without a shadow
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<sqlite3_file*>(reinterpret_cast<File*>(f) + 1); }

std::string ShadowOf(const char* path) { return std::string(path) + ".synced"; }

// Copies the file as it is now to its shadow (the disk keeps what was synced).
// Copy, then rename: a kill during the copy leaves the previous shadow whole.
int Snapshot(const char* path, bool only_if_missing) {
  std::lock_guard<std::mutex> lock(g_shadow_mu);
  std::error_code ec;
  std::string shadow = ShadowOf(path);
  if (only_if_missing && std::filesystem::exists(shadow, ec)) return SQLITE_OK;
  std::string partial = shadow + ".partial";
  std::filesystem::copy_file(path, partial, std::filesystem::copy_options::overwrite_existing, ec);
  if (!ec) std::filesystem::rename(partial, shadow, ec);
  return ec ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

int Close(sqlite3_file* f) {
  File* w = reinterpret_cast<File*>(f);
  int rc = Real(f)->pMethods->xClose(Real(f));
  std::free(w->path);
  w->path = nullptr;
  return rc;
}
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return Real(f)->pMethods->xRead(Real(f), buf, n, off); }
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) { return Real(f)->pMethods->xTruncate(Real(f), size); }
int Sync(sqlite3_file* f, int flags) {
  int rc = Real(f)->pMethods->xSync(Real(f), flags);
  File* w = reinterpret_cast<File*>(f);
  if (rc == SQLITE_OK && w->path) rc = Snapshot(w->path, false);
  return rc;
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) { return Real(f)->pMethods->xFileSize(Real(f), size); }
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); }
int FileControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) { return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags); }
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int remove) { return Real(f)->pMethods->xShmUnmap(Real(f), remove); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) { return Real(f)->pMethods->xFetch(Real(f), off, n, out); }
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return Real(f)->pMethods->xUnfetch(Real(f), off, p); }

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  File* w = reinterpret_cast<File*>(f);
  w->base.pMethods = nullptr;
  w->path = nullptr;
  int rc = g_real->xOpen(g_real, name, Real(f), flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  w->base.pMethods = &g_io;
  bool durable_kind = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  if (name && durable_kind) {
    w->path = strdup(name);
    rc = Snapshot(w->path, true);  // what was on disk before this process
  }
  return rc;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  int rc = g_real->xDelete(g_real, name, sync_dir);
  if (rc == SQLITE_OK) {
    std::lock_guard<std::mutex> lock(g_shadow_mu);
    std::error_code ec;
    std::filesystem::remove(ShadowOf(name), ec);
  }
  return rc;
}

int Access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) { return g_real->xFullPathname(g_real, name, n, out); }
void* DlOpen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*DlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return g_real->xDlSym(g_real, handle, symbol); }
void DlClose(sqlite3_vfs*, void* handle) { g_real->xDlClose(g_real, handle); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int Sleep(sqlite3_vfs*, int micros) { return g_real->xSleep(g_real, micros); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError(g_real, n, out); }
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }

__attribute__((constructor)) void Install() {
  g_real = sqlite3_vfs_find(nullptr);
  if (!g_real || g_real->iVersion < 2) std::abort();
  g_io = sqlite3_io_methods{3,        Close,     Read,      Write,     Truncate, Sync,
                            FileSize, Lock,      Unlock,    CheckReservedLock,   FileControl,
                            SectorSize, DeviceCharacteristics, ShmMap, ShmLock, ShmBarrier,
                            ShmUnmap, Fetch,     Unfetch};
  g_vfs = sqlite3_vfs{};
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
  g_vfs.mxPathname = g_real->mxPathname;
  g_vfs.zName = "power-loss";
  g_vfs.xOpen = Open;
  g_vfs.xDelete = Delete;
  g_vfs.xAccess = Access;
  g_vfs.xFullPathname = FullPathname;
  g_vfs.xDlOpen = DlOpen;
  g_vfs.xDlError = DlError;
  g_vfs.xDlSym = DlSym;
  g_vfs.xDlClose = DlClose;
  g_vfs.xRandomness = Randomness;
  g_vfs.xSleep = Sleep;
  g_vfs.xCurrentTime = CurrentTime;
  g_vfs.xGetLastError = GetLastError;
  g_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK) std::abort();
}

}  // namespace

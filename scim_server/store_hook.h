// ScimStore internals (see scim_store.h): how a write meets the group-write
// hook without calling the encryption service while it holds the writer.
//
// A write that may reach the hook (group writes, deleting a User who is in a
// group) is a function of (Db&, HookRun&) that calls HookRun::Call where the
// hook belongs and HookRun::Finish instead of committing. It runs in one of
// three modes:
// - inline: Call calls the hook in the transaction (a hook that never calls
//   out, e.g. the open gate, or no hook);
// - plan: Call records the event and answers "no keys"; Finish commits if
//   there was no event (nothing for the key service to do), else rolls back;
// - apply: after FetchKeys asked the hook for every planned event outside the
//   writer, the write runs again; each event must equal the planned one and
//   gets its keys, else the write rolls back and diverged() says so.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sqlite.h"
#include "scim_server/scim_store.h"

namespace scim::store {

class HookRun {
 public:
  // `hook` may be null (no hook: Call answers "no keys").
  static HookRun Inline(const GroupWriteHook* hook) { return HookRun(Mode::kInline, hook); }
  static HookRun Plan() { return HookRun(Mode::kPlan, nullptr); }

  // Where the write calls the hook. In plan and apply modes the event's
  // `remaining` is read here, on the write connection, when members left.
  core::Result<std::vector<GroupKeyRecord>> Call(const GroupWriteEvent& event);
  // Instead of tx.Commit().
  core::Status Finish(core::Transaction& tx);

  // A plan that stopped before its commit: the events need the hook.
  bool planned() const { return mode_ == Mode::kPlan && stopped_; }
  // Asks `hook` for every planned event (no transaction open) and switches to
  // apply mode. Errors: the hook's first error.
  core::Status FetchKeys(const GroupWriteHook& hook);
  // In apply mode: the write saw other events than the plan and rolled back.
  bool diverged() const { return diverged_; }

 private:
  enum class Mode { kInline, kPlan, kApply };
  struct Planned {
    GroupWriteEvent::Kind kind;
    std::string group_id;
    std::vector<std::string> added, removed, remaining;
    std::vector<GroupKeyRecord> keys;  // filled by FetchKeys
    bool operator==(const Planned& o) const {
      return kind == o.kind && group_id == o.group_id && added == o.added && removed == o.removed &&
             remaining == o.remaining;
    }
  };
  HookRun(Mode mode, const GroupWriteHook* hook) : mode_(mode), hook_(hook) {}
  static core::Result<Planned> Record(const GroupWriteEvent& event);

  Mode mode_;
  const GroupWriteHook* hook_;
  std::vector<Planned> planned_;
  size_t next_ = 0;  // apply mode: the next planned event to match
  bool stopped_ = false;
  bool diverged_ = false;
};

}  // namespace scim::store

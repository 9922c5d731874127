#include "scim_server/store_hook.h"

#include <utility>

namespace scim::store {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;

namespace {
// What the writes return to roll back a plan or a diverged apply; the caller
// (ScimStore::HookedWrite) never passes it on.
Error Stopped(const char* why) { return Error{ErrorCode::kUnavailable, why}; }
}  // namespace

Result<HookRun::Planned> HookRun::Record(const GroupWriteEvent& event) {
  Planned p{event.kind, event.group_id, event.added, event.removed, {}, {}};
  // The gate reads the remaining members only to rotate the key after a removal.
  if (!event.removed.empty() && event.remaining) {
    auto remaining = event.remaining();
    if (!remaining.ok()) return remaining.error();
    p.remaining = std::move(*remaining);
  }
  return p;
}

Result<std::vector<GroupKeyRecord>> HookRun::Call(const GroupWriteEvent& event) {
  if (mode_ == Mode::kInline) {
    if (!hook_ || !*hook_) return std::vector<GroupKeyRecord>{};
    return (*hook_)(event);
  }
  auto seen = Record(event);
  if (!seen.ok()) return seen.error();
  if (mode_ == Mode::kPlan) {
    planned_.push_back(std::move(*seen));
    return std::vector<GroupKeyRecord>{};
  }
  if (next_ >= planned_.size() || !(planned_[next_] == *seen)) {
    diverged_ = true;
    return Stopped("the write changed while the encryption service answered");
  }
  return planned_[next_++].keys;
}

Status HookRun::Finish(core::Transaction& tx) {
  if (mode_ == Mode::kPlan && !planned_.empty()) {
    stopped_ = true;
    return Stopped("the write needs the encryption service first");
  }
  if (mode_ == Mode::kApply && next_ != planned_.size()) {
    diverged_ = true;
    return Stopped("the write changed while the encryption service answered");
  }
  return tx.Commit();
}

Status HookRun::FetchKeys(const GroupWriteHook& hook) {
  for (auto& p : planned_) {
    GroupWriteEvent event{p.kind, p.group_id, p.added, p.removed, {}};
    event.remaining = [&p]() -> Result<std::vector<std::string>> { return p.remaining; };
    auto keys = hook(event);
    if (!keys.ok()) return keys.error();
    p.keys = std::move(*keys);
  }
  mode_ = Mode::kApply;
  next_ = 0;
  return Status::Ok();
}

}  // namespace scim::store

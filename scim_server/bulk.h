// RFC 7644 §3.7 Bulk: run the operations of a BulkRequest against a target
// and build the BulkResponse. The engine is pure apart from the target, so it
// is tested with a recording fake; StoreBulkTarget is the real one.
//
// Semantics:
// - Operations run one at a time, each as its own write (a failed operation
//   changes nothing, earlier successes stay: RFC 7644 §3.7 has no rollback).
//   The /Bulk route runs them all in one store transaction
//   (ScimStore::InOneTransaction: a savepoint per operation, one durable commit).
// - `bulkId`: a POST's bulkId names the resource it creates; "bulkId:<x>" in
//   another operation's `path` or anywhere in its `data` (strings equal to
//   "bulkId:<x>", e.g. a member `value`) is replaced by that resource's id.
//   An operation that refers to a bulkId created by a LATER operation is run
//   after it (the client need not order them); a cycle is 409, a reference to
//   an unknown bulkId 400 invalidValue, to a failed POST 409.
// - `failOnErrors` = N stops after the Nth failed operation; the response
//   then lists only the operations that ran. Absent: run them all.
// - The response is always 200 with one entry per operation that ran, in
//   request order: `method`, `bulkId` (when given), `location` and `version`
//   on success, `status` as a string ("201"), and `response` (an RFC 7644
//   error body) on failure.
// - Request-level failures come back as an Error (the caller renders it):
//   over `max_payload_bytes` or `max_operations` → kPayloadTooLarge (413,
//   RFC 7644 §3.7.4); unparsable body, wrong `schemas`, `Operations` not an
//   array → kInvalidSyntax; bad `failOnErrors`, duplicate bulkId → kInvalidValue.
//
// Not thread-safe by itself; the target decides what concurrent use means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/schema.h"

namespace scim {

class ScimStore;

struct BulkLimits {
  size_t max_operations = 1000;          // advertised as bulk.maxOperations
  size_t max_payload_bytes = 1 << 20;    // advertised as bulk.maxPayloadSize
};

// What a successful write reports back to the engine.
struct BulkWritten {
  std::string id;       // the resource id (for bulkId resolution and `location`)
  int64_t version = 0;  // rendered as the operation's `version` ETag
};

// The resource operations Bulk needs. Bodies are the operation's `data` with
// bulkIds already resolved, exactly as a single POST/PUT/PATCH would receive
// them. `expected_version` comes from the operation's `version` (If-Match).
// Errors are ordinary core::Errors (kNotFound, kConflict, kInvalidValue,
// kPreconditionFailed, kUnavailable, ...), rendered per operation.
class BulkTarget {
 public:
  virtual ~BulkTarget() = default;
  virtual core::Result<BulkWritten> Create(ResourceKind kind, const core::Json& body) = 0;
  virtual core::Result<BulkWritten> Replace(ResourceKind kind, const std::string& id, const core::Json& body,
                                            std::optional<int64_t> expected_version) = 0;
  virtual core::Result<BulkWritten> Patch(ResourceKind kind, const std::string& id, const core::Json& body,
                                          std::optional<int64_t> expected_version) = 0;
  virtual core::Status Delete(ResourceKind kind, const std::string& id, std::optional<int64_t> expected_version) = 0;
  // Absolute URL of a resource, for the operation's `location`.
  virtual std::string Location(ResourceKind kind, const std::string& id) const = 0;
};

// Runs a BulkRequest given as the raw request body (its size is checked
// against limits.max_payload_bytes before parsing). Returns the BulkResponse.
core::Result<core::Json> ExecuteBulk(std::string_view body, const BulkLimits& limits, BulkTarget& target);
// The same for an already parsed request (payload size not checked).
core::Result<core::Json> ExecuteBulkRequest(const core::Json& request, const BulkLimits& limits, BulkTarget& target);

// The real target: the SCIM store, with the same validation as the single
// resource routes (CanonicalizeResource, ParsePatchRequest + ApplyPatch).
// `base_url` ends in "/scim/v2". `check_group_writable` (may be empty) is
// asked before every Group write, like the routes' group provisioning gate.
class StoreBulkTarget final : public BulkTarget {
 public:
  StoreBulkTarget(ScimStore& store, std::string base_url,
                  std::function<core::Status()> check_group_writable = nullptr)
      : store_(store), base_url_(std::move(base_url)), check_group_writable_(std::move(check_group_writable)) {}

  core::Result<BulkWritten> Create(ResourceKind kind, const core::Json& body) override;
  core::Result<BulkWritten> Replace(ResourceKind kind, const std::string& id, const core::Json& body,
                                    std::optional<int64_t> expected_version) override;
  core::Result<BulkWritten> Patch(ResourceKind kind, const std::string& id, const core::Json& body,
                                  std::optional<int64_t> expected_version) override;
  core::Status Delete(ResourceKind kind, const std::string& id, std::optional<int64_t> expected_version) override;
  std::string Location(ResourceKind kind, const std::string& id) const override;

 private:
  core::Status CheckGroups(ResourceKind kind) const;

  ScimStore& store_;
  std::string base_url_;
  std::function<core::Status()> check_group_writable_;
};

}  // namespace scim

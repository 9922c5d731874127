#include "scim_server/bulk.h"

#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <vector>

#include "scim_server/patch_apply.h"
#include "scim_server/resource.h"
#include "scim_server/scim_error.h"
#include "scim_server/scim_store.h"

namespace scim {

using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;
using core::Status;

namespace {

constexpr std::string_view kBulkIdPrefix = "bulkId:";

enum class Method { kPost, kPut, kPatch, kDelete };

const char* MethodName(Method m) {
  switch (m) {
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
  }
  return "POST";
}

// A per-operation failure, rendered as the operation's `status` and `response`.
struct OpError {
  int status = 400;
  std::string scim_type;
  std::string detail;
  static OpError From(const Error& e) { return OpError{HttpStatusFor(e.code), ScimTypeFor(e.code), e.detail}; }
};

// One operation of the request, parsed as far as it could be. A malformed
// operation keeps `invalid` and is answered at its turn.
struct Operation {
  std::optional<OpError> invalid;
  Method method = Method::kPost;
  std::string method_text;  // as echoed in the response (upper case, or as sent when invalid)
  std::string bulk_id;      // "" when absent
  ResourceKind kind = ResourceKind::kUser;
  std::string id;           // target id for PUT/PATCH/DELETE; may be "bulkId:x" until resolved
  std::optional<std::string> version;  // the operation's `version` (If-Match)
  Json data;                // null for DELETE
  std::set<std::string> refs;  // bulkIds this operation refers to
};

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

void CollectRefs(const Json& v, std::set<std::string>& refs) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (StartsWith(s, kBulkIdPrefix)) refs.insert(s.substr(kBulkIdPrefix.size()));
  } else if (v.is_array() || v.is_object()) {
    for (const auto& el : v) CollectRefs(el, refs);
  }
}

void ResolveRefs(Json& v, const std::map<std::string, std::string>& ids) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!StartsWith(s, kBulkIdPrefix)) return;
    auto it = ids.find(s.substr(kBulkIdPrefix.size()));
    if (it != ids.end()) v = it->second;
  } else if (v.is_array() || v.is_object()) {
    for (auto& el : v) ResolveRefs(el, ids);
  }
}

// "/Users", "/Groups" (POST) or "/Users/<id>", "/Groups/<id>" (the others).
std::optional<OpError> ParsePath(const std::string& path, Operation& op) {
  auto bad = [&](const std::string& why) { return OpError{400, "invalidPath", why}; };
  std::string_view p = path;
  std::string_view rest;
  if (core::EqualsCi(p.substr(0, 6), "/Users")) {
    op.kind = ResourceKind::kUser;
    rest = p.substr(6);
  } else if (core::EqualsCi(p.substr(0, 7), "/Groups")) {
    op.kind = ResourceKind::kGroup;
    rest = p.substr(7);
  } else {
    return bad("'path' must start with /Users or /Groups, got '" + path + "'");
  }
  if (op.method == Method::kPost) {
    if (!rest.empty()) return bad("a POST operation's 'path' is the resource type endpoint (/Users or /Groups), got '" + path + "'");
    return std::nullopt;
  }
  if (rest.size() < 2 || rest[0] != '/' || rest.find('/', 1) != std::string_view::npos) {
    return bad(std::string("a ") + MethodName(op.method) + " operation's 'path' must name one resource, e.g. /Users/<id>, got '" +
               path + "'");
  }
  op.id = std::string(rest.substr(1));
  if (StartsWith(op.id, kBulkIdPrefix)) op.refs.insert(op.id.substr(kBulkIdPrefix.size()));
  return std::nullopt;
}

Operation ParseOperation(const Json& j) {
  Operation op;
  auto fail = [&](std::string detail, const char* type = "invalidSyntax") {
    op.invalid = OpError{400, type, std::move(detail)};
    return op;
  };
  if (!j.is_object()) return fail("each of 'Operations' must be a JSON object");
  const Json* method = core::FindKeyCi(j, "method");
  if (!method || !method->is_string()) return fail("an operation needs a 'method' (POST, PUT, PATCH or DELETE)");
  op.method_text = method->get<std::string>();
  std::string upper = op.method_text;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "POST") op.method = Method::kPost;
  else if (upper == "PUT") op.method = Method::kPut;
  else if (upper == "PATCH") op.method = Method::kPatch;
  else if (upper == "DELETE") op.method = Method::kDelete;
  else return fail("unsupported 'method' '" + op.method_text + "': use POST, PUT, PATCH or DELETE", "invalidValue");
  op.method_text = upper;

  if (const Json* bulk_id = core::FindKeyCi(j, "bulkId")) {
    if (!bulk_id->is_string() || bulk_id->get<std::string>().empty()) return fail("'bulkId' must be a non-empty string", "invalidValue");
    op.bulk_id = bulk_id->get<std::string>();
  }
  if (op.method == Method::kPost && op.bulk_id.empty()) return fail("a POST operation needs a 'bulkId'", "invalidValue");

  const Json* path = core::FindKeyCi(j, "path");
  if (!path || !path->is_string()) return fail("an operation needs a 'path' (e.g. /Users or /Users/<id>)");
  if (auto e = ParsePath(path->get<std::string>(), op)) {
    op.invalid = *e;
    return op;
  }
  if (const Json* version = core::FindKeyCi(j, "version")) {
    if (!version->is_string()) return fail("'version' must be an ETag string such as W/\"3\"", "invalidValue");
    op.version = version->get<std::string>();
  }
  if (op.method != Method::kDelete) {
    const Json* data = core::FindKeyCi(j, "data");
    if (!data || !data->is_object()) return fail(std::string("a ") + op.method_text + " operation needs a 'data' object");
    op.data = *data;
    CollectRefs(op.data, op.refs);
  }
  return op;
}

// W/"3", "3" or * → the version expected (nullopt: any); anything else
// cannot match a version this server issued.
Result<std::optional<int64_t>> ExpectedVersion(const std::optional<std::string>& tag) {
  if (!tag || *tag == "*") return std::optional<int64_t>();
  std::string v = *tag;
  if (StartsWith(v, "W/")) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) {
    return Error{ErrorCode::kPreconditionFailed, "'version' " + *tag + " does not match the resource's current version"};
  }
  return std::optional<int64_t>(n);
}

class BulkRun {
 public:
  BulkRun(std::vector<Operation> ops, std::optional<int64_t> fail_on_errors, BulkTarget& target)
      : ops_(std::move(ops)), fail_on_errors_(fail_on_errors), target_(target), results_(ops_.size()) {
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (!ops_[i].invalid && !ops_[i].bulk_id.empty()) defined_by_[ops_[i].bulk_id] = i;
    }
  }

  Json Run() {
    // Passes in request order: an operation waiting for a bulkId that a
    // later POST defines is skipped and picked up by the next pass.
    bool progress = true;
    while (progress && !Stopped()) {
      progress = false;
      for (size_t i = 0; i < ops_.size() && !Stopped(); ++i) {
        if (results_[i]) continue;
        if (Waiting(i)) continue;
        RunOne(i);
        progress = true;
      }
    }
    // Whatever still waits is part of a reference cycle.
    for (size_t i = 0; i < ops_.size() && !Stopped(); ++i) {
      if (results_[i]) continue;
      Finish(i, OpError{409, "", "the operation's bulkId references form a cycle, so none of them can run first"});
    }
    Json out = Json::array();
    for (auto& r : results_) {
      if (r) out.push_back(std::move(*r));
    }
    return Json{{"schemas", Json::array({kBulkResponseSchema})}, {"Operations", std::move(out)}};
  }

 private:
  bool Stopped() const { return fail_on_errors_ && errors_ >= *fail_on_errors_; }

  // True when the operation refers to a bulkId whose POST has not run yet.
  bool Waiting(size_t i) const {
    for (const auto& ref : ops_[i].refs) {
      if (resolved_.count(ref) || failed_.count(ref)) continue;
      auto def = defined_by_.find(ref);
      if (def != defined_by_.end() && !results_[def->second]) return true;
    }
    return false;
  }

  void RunOne(size_t i) {
    Operation& op = ops_[i];
    if (op.invalid) return Finish(i, *op.invalid);
    for (const auto& ref : op.refs) {
      if (failed_.count(ref)) {
        return Finish(i, OpError{409, "", "bulkId '" + ref + "' refers to a POST operation that failed"});
      }
      if (!resolved_.count(ref)) {
        return Finish(i, OpError{400, "invalidValue", "bulkId '" + ref + "' is not defined by any POST operation of this request"});
      }
    }
    ResolveRefs(op.data, resolved_);
    if (StartsWith(op.id, kBulkIdPrefix)) op.id = resolved_.at(op.id.substr(kBulkIdPrefix.size()));

    auto expected = ExpectedVersion(op.version);
    if (!expected.ok()) return Finish(i, OpError::From(expected.error()));
    switch (op.method) {
      case Method::kPost: {
        auto w = target_.Create(op.kind, op.data);
        if (!w.ok()) return Finish(i, OpError::From(w.error()));
        return Succeed(i, 201, *w);
      }
      case Method::kPut: {
        auto w = target_.Replace(op.kind, op.id, op.data, *expected);
        if (!w.ok()) return Finish(i, OpError::From(w.error()));
        return Succeed(i, 200, *w);
      }
      case Method::kPatch: {
        auto w = target_.Patch(op.kind, op.id, op.data, *expected);
        if (!w.ok()) return Finish(i, OpError::From(w.error()));
        return Succeed(i, 200, *w);
      }
      case Method::kDelete: {
        auto s = target_.Delete(op.kind, op.id, *expected);
        if (!s.ok()) return Finish(i, OpError::From(s.error()));
        Json r = Entry(op);
        r["location"] = target_.Location(op.kind, op.id);
        r["status"] = "204";
        results_[i] = std::move(r);
        return;
      }
    }
  }

  Json Entry(const Operation& op) const {
    Json r = Json::object();
    r["method"] = op.method_text;
    if (!op.bulk_id.empty()) r["bulkId"] = op.bulk_id;
    return r;
  }

  void Succeed(size_t i, int status, const BulkWritten& w) {
    Operation& op = ops_[i];
    if (op.method == Method::kPost) resolved_[op.bulk_id] = w.id;
    Json r = Entry(op);
    r["location"] = target_.Location(op.kind, w.id);
    r["version"] = ETagFor(w.version);
    r["status"] = std::to_string(status);
    results_[i] = std::move(r);
  }

  void Finish(size_t i, const OpError& e) {
    Operation& op = ops_[i];
    if (!op.invalid && op.method == Method::kPost) failed_.insert(op.bulk_id);
    Json r = Json::object();
    if (!op.method_text.empty()) r["method"] = op.method_text;
    if (!op.bulk_id.empty()) r["bulkId"] = op.bulk_id;
    if (!op.invalid && op.method != Method::kPost && !StartsWith(op.id, kBulkIdPrefix)) {
      r["location"] = target_.Location(op.kind, op.id);
    }
    r["status"] = std::to_string(e.status);
    r["response"] = ErrorBody(e.status, e.scim_type, e.detail);
    results_[i] = std::move(r);
    ++errors_;
  }

  std::vector<Operation> ops_;
  std::optional<int64_t> fail_on_errors_;
  BulkTarget& target_;
  std::vector<std::optional<Json>> results_;     // one per operation that ran
  std::map<std::string, size_t> defined_by_;     // bulkId → index of its POST
  std::map<std::string, std::string> resolved_;  // bulkId → created id
  std::set<std::string> failed_;                 // bulkIds whose POST failed
  int64_t errors_ = 0;
};

}  // namespace

Result<Json> ExecuteBulk(std::string_view body, const BulkLimits& limits, BulkTarget& target) {
  if (body.size() > limits.max_payload_bytes) {
    return Error{ErrorCode::kPayloadTooLarge, "the bulk request is " + std::to_string(body.size()) +
                                                  " bytes; maxPayloadSize is " +
                                                  std::to_string(limits.max_payload_bytes) + " bytes"};
  }
  if (body.empty()) return Error{ErrorCode::kInvalidSyntax, "the request has no body; a BulkRequest object is required"};
  auto request = core::ParseJson(body);
  if (!request.ok()) return request.error();
  return ExecuteBulkRequest(*request, limits, target);
}

Result<Json> ExecuteBulkRequest(const Json& request, const BulkLimits& limits, BulkTarget& target) {
  if (!request.is_object()) return Error{ErrorCode::kInvalidSyntax, "a BulkRequest must be a JSON object"};
  const Json* schemas = core::FindKeyCi(request, "schemas");
  bool has_urn = false;
  if (schemas && schemas->is_array()) {
    for (const auto& s : *schemas) has_urn = has_urn || (s.is_string() && core::EqualsCi(s.get<std::string>(), kBulkRequestSchema));
  }
  if (!has_urn) return Error{ErrorCode::kInvalidSyntax, std::string("'schemas' must contain ") + kBulkRequestSchema};
  const Json* operations = core::FindKeyCi(request, "Operations");
  if (!operations || !operations->is_array()) {
    return Error{ErrorCode::kInvalidSyntax, "a BulkRequest needs an 'Operations' array"};
  }
  if (operations->size() > limits.max_operations) {
    return Error{ErrorCode::kPayloadTooLarge, "the bulk request has " + std::to_string(operations->size()) +
                                                  " operations; maxOperations is " +
                                                  std::to_string(limits.max_operations)};
  }
  std::optional<int64_t> fail_on_errors;
  if (const Json* f = core::FindKeyCi(request, "failOnErrors"); f && !f->is_null()) {
    if (!f->is_number_integer() || f->get<int64_t>() < 1) {
      return Error{ErrorCode::kInvalidValue, "'failOnErrors' must be an integer of at least 1"};
    }
    fail_on_errors = f->get<int64_t>();
  }
  std::vector<Operation> ops;
  ops.reserve(operations->size());
  std::set<std::string> bulk_ids;
  for (const auto& j : *operations) {
    ops.push_back(ParseOperation(j));
    const Operation& op = ops.back();
    if (!op.invalid && !op.bulk_id.empty() && !bulk_ids.insert(op.bulk_id).second) {
      return Error{ErrorCode::kInvalidValue, "bulkId '" + op.bulk_id + "' is used by more than one operation"};
    }
  }
  return BulkRun(std::move(ops), fail_on_errors, target).Run();
}

// ---- StoreBulkTarget --------------------------------------------------------

Status StoreBulkTarget::CheckGroups(ResourceKind kind) const {
  if (kind == ResourceKind::kGroup && check_group_writable_) return check_group_writable_();
  return Status::Ok();
}

std::string StoreBulkTarget::Location(ResourceKind kind, const std::string& id) const {
  return base_url_ + (kind == ResourceKind::kUser ? "/Users/" : "/Groups/") + id;
}

Result<BulkWritten> StoreBulkTarget::Create(ResourceKind kind, const Json& body) {
  if (auto s = CheckGroups(kind); !s.ok()) return s.error();
  auto canon = CanonicalizeResource(body, kind);
  if (!canon.ok()) return canon.error();
  if (kind == ResourceKind::kUser) {
    auto u = store_.CreateUser(canon->data);
    if (!u.ok()) return u.error();
    return BulkWritten{u->meta.id, u->meta.version};
  }
  auto g = store_.CreateGroup(canon->data, canon->member_ids.value_or(std::vector<std::string>{}));
  if (!g.ok()) return g.error();
  return BulkWritten{g->meta.id, g->meta.version};
}

Result<BulkWritten> StoreBulkTarget::Replace(ResourceKind kind, const std::string& id, const Json& body,
                                             std::optional<int64_t> expected_version) {
  if (auto s = CheckGroups(kind); !s.ok()) return s.error();
  auto canon = CanonicalizeResource(body, kind);
  if (!canon.ok()) return canon.error();
  if (kind == ResourceKind::kUser) {
    auto u = store_.ReplaceUser(id, canon->data, expected_version);
    if (!u.ok()) return u.error();
    return BulkWritten{u->meta.id, u->meta.version};
  }
  auto g = store_.ReplaceGroup(id, canon->data, canon->member_ids.value_or(std::vector<std::string>{}),
                               expected_version);
  if (!g.ok()) return g.error();
  return BulkWritten{g->meta.id, g->meta.version};
}

Result<BulkWritten> StoreBulkTarget::Patch(ResourceKind kind, const std::string& id, const Json& body,
                                           std::optional<int64_t> expected_version) {
  if (auto s = CheckGroups(kind); !s.ok()) return s.error();
  auto ops = ParsePatchRequest(body);
  if (!ops.ok()) return ops.error();
  if (kind == ResourceKind::kUser) {
    auto u = store_.ModifyUser(
        id,
        [&](Json& data) -> Status {
          if (auto s = ApplyPatch(data, *ops, ResourceKind::kUser, nullptr); !s.ok()) return s;
          auto canon = CanonicalizeResource(data, ResourceKind::kUser);
          if (!canon.ok()) return canon.error();
          data = std::move(canon->data);
          return Status::Ok();
        },
        expected_version);
    if (!u.ok()) return u.error();
    return BulkWritten{u->meta.id, u->meta.version};
  }
  auto g = store_.ModifyGroup(
      id,
      [&](Json& data, std::vector<MemberChange>* changes) -> Status {
        if (auto s = ApplyPatch(data, *ops, ResourceKind::kGroup, changes); !s.ok()) return s;
        auto canon = CanonicalizeResource(data, ResourceKind::kGroup);
        if (!canon.ok()) return canon.error();
        data = std::move(canon->data);
        return Status::Ok();
      },
      expected_version, /*with_members=*/false);
  if (!g.ok()) return g.error();
  return BulkWritten{g->meta.id, g->meta.version};
}

Status StoreBulkTarget::Delete(ResourceKind kind, const std::string& id, std::optional<int64_t> expected_version) {
  if (auto s = CheckGroups(kind); !s.ok()) return s;
  return kind == ResourceKind::kUser ? store_.DeleteUser(id, expected_version)
                                     : store_.DeleteGroup(id, expected_version);
}

}  // namespace scim

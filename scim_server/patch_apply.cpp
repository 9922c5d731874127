// Path resolution: which attribute, sub-attribute or value filter an
// operation's path (or a key of a path-less value) names, and the dispatch to
// the operations on that target (patch_targets.h).
#include "scim_server/patch_apply.h"

#include <cstddef>
#include <string_view>
#include <utility>

#include "scim_server/filter.h"
#include "scim_server/patch_targets.h"
#include "scim_server/patch_values.h"

namespace scim {

namespace patch {
namespace {

using core::EqualsCi;
using core::Error;
using core::ErrorCode;
using core::FindKeyCi;
using core::MakeError;
using core::Result;
using core::Status;

Status MergeSchemas(Context& ctx, const Json& value) {
  if (!value.is_array()) return MakeError(ErrorCode::kInvalidValue, "`schemas` must be an array of strings");
  const SchemaRegistry& reg = SchemaRegistry::Default();
  for (const auto& urn : value) {
    if (!urn.is_string()) return MakeError(ErrorCode::kInvalidValue, "`schemas` must be an array of strings");
    const std::string& s = urn.get<std::string>();
    if (EqualsCi(s, reg.ResourceType(ctx.kind).schema)) {
      EnsureSchemaUrn(ctx.resource, ctx.kind, reg.ResourceType(ctx.kind).schema);
    } else if (const SchemaDef* ext = ExtensionNamed(ctx.kind, s)) {
      EnsureSchemaUrn(ctx.resource, ctx.kind, ext->id);
    }
    // Other URNs (clients have been seen echoing the PatchOp URN here) are
    // ignored, like other read-only data in a path-less value.
  }
  return Status::Ok();
}

Status ApplyAtPath(Context& ctx, PatchOperation::Op op, const std::string& text, const Json& value, Source source);

// The URN of an extension (or of the core schema) used as a path or as a
// key of a path-less value: its value is an object of that schema's attributes.
Status ApplySchemaObject(Context& ctx, PatchOperation::Op op, const std::string& urn, bool is_extension,
                         const Json& value, Source source) {
  if (op == PatchOperation::Op::kRemove || value.is_null()) {
    if (!is_extension) return MakeError(ErrorCode::kMutability, "the core schema cannot be removed");
    EraseAttr(ctx.resource, urn);
    DropSchemaUrn(ctx.resource, urn);
    return Status::Ok();
  }
  if (!value.is_object()) {
    return MakeError(ErrorCode::kInvalidValue, "`" + urn + "` must be an object of its attributes");
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    // Clients (python-scim's scim2-tester among them) repeat the schema's URN
    // as `schemas` inside the object: not an attribute, so it is ignored.
    if (EqualsCi(it.key(), "schemas")) continue;
    if (auto s = ApplyAtPath(ctx, op, urn + ":" + it.key(), it.value(), source); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ApplyAtPath(Context& ctx, PatchOperation::Op op, const std::string& text, const Json& value, Source source) {
  const SchemaRegistry& reg = SchemaRegistry::Default();
  // A null inside a path-less value means "unassign" (RFC 7643 §2.5).
  if (source == Source::kValueKey && value.is_null()) op = PatchOperation::Op::kRemove;

  if (EqualsCi(text, "schemas")) {
    if (op == PatchOperation::Op::kRemove) {
      if (source == Source::kValueKey) return Status::Ok();
      return MakeError(ErrorCode::kMutability, "`schemas` cannot be removed; remove the extension's URN path instead");
    }
    return MergeSchemas(ctx, value);
  }
  if (const SchemaDef* ext = ExtensionNamed(ctx.kind, text)) {
    return ApplySchemaObject(ctx, op, ext->id, true, value, source);
  }
  if (EqualsCi(text, reg.ResourceType(ctx.kind).schema)) {
    return ApplySchemaObject(ctx, op, reg.ResourceType(ctx.kind).schema, false, value, source);
  }

  auto parsed = ParsePatchPath(text);
  if (!parsed.ok()) return BadName(source, parsed.error().detail);
  const PatchPath& pp = *parsed;
  auto resolved = reg.Resolve(ctx.kind, pp.attr);
  if (!resolved) return BadName(source, "unknown attribute `" + text + "`");
  const ResolvedAttr& r = *resolved;
  const AttributeDef* after = nullptr;  // sub-attribute after a filter
  if (!pp.sub_after_filter.empty()) {
    if (!pp.filter || r.sub) return BadName(source, "`" + text + "` is not a valid attribute path");
    after = r.attr->FindSub(pp.sub_after_filter);
    if (!after) return BadName(source, "unknown attribute `" + text + "`");
  }

  // Members are a delta for the store, whatever sub-attribute or filter the path names.
  if (ctx.kind == ResourceKind::kGroup && !r.in_extension && r.attr->name == "members") {
    return ApplyMembers(ctx, op, pp, value, source);
  }
  bool read_only = r.attr->mutability == Mutability::kReadOnly ||
                   (r.sub && r.sub->mutability == Mutability::kReadOnly) ||
                   (after && after->mutability == Mutability::kReadOnly);
  if (read_only) {
    if (source == Source::kValueKey) return Status::Ok();
    return MakeError(ErrorCode::kMutability, "`" + text + "` is read-only");
  }

  if (op != PatchOperation::Op::kRemove && value.is_null()) {
    return MakeError(ErrorCode::kInvalidValue, std::string(OpName(op)) + " of `" + text + "` needs a value");
  }
  if (pp.filter) {
    if (!r.attr->multi_valued || r.attr->type != AttrType::kComplex || r.sub) {
      return BadName(source, "a value filter needs a multi-valued complex attribute: `" + text + "`");
    }
    return ApplySelected(ctx, op, r, pp.filter.get(), after, value, text);
  }
  if (r.sub) {
    if (r.attr->multi_valued) return ApplySelected(ctx, op, r, nullptr, r.sub, value, text);
    return ApplySingleSub(ctx, op, r, value, text);
  }
  return ApplyWhole(ctx, op, r, value, text);
}

Status ApplyOperation(Context& ctx, const PatchOperation& op) {
  if (!op.path) {
    if (op.op == PatchOperation::Op::kRemove) {
      return MakeError(ErrorCode::kNoTarget, "remove needs a path");
    }
    if (!op.value.is_object()) {
      return MakeError(ErrorCode::kInvalidValue,
                       std::string("a path-less ") + OpName(op.op) + " needs an object of attributes as its value");
    }
    // Each key is an attribute path (plain, dotted, URN-qualified, or an
    // extension URN holding an object), applied as if it were the op's path.
    for (auto it = op.value.begin(); it != op.value.end(); ++it) {
      if (auto s = ApplyAtPath(ctx, op.op, it.key(), it.value(), Source::kValueKey); !s.ok()) return s;
    }
    return Status::Ok();
  }
  return ApplyAtPath(ctx, op.op, *op.path, op.value, Source::kPath);
}

// Extension objects left empty are unassigned, and their URN leaves
// `schemas`; non-empty ones must be listed in `schemas`.
void TidyExtensions(Context& ctx) {
  const SchemaRegistry& reg = SchemaRegistry::Default();
  for (const auto& ext : reg.ResourceType(ctx.kind).extensions) {
    Json* obj = LookupAttr(ctx.resource, ext.schema);
    if (!obj) continue;
    if (obj->is_object() && obj->empty()) {
      EraseAttr(ctx.resource, ext.schema);
      DropSchemaUrn(ctx.resource, ext.schema);
    } else {
      EnsureSchemaUrn(ctx.resource, ctx.kind, ext.schema);
    }
  }
}

}  // namespace
}  // namespace patch

using core::EqualsCi;
using core::Error;
using core::ErrorCode;
using core::FindKeyCi;
using core::MakeError;
using core::Status;
using patch::OpName;

core::Result<std::vector<PatchOperation>> ParsePatchRequest(const core::Json& body) {
  if (!body.is_object()) return MakeError(ErrorCode::kInvalidSyntax, "a PATCH body must be a JSON object");
  const Json* schemas = FindKeyCi(body, "schemas");
  bool has_urn = false;
  if (schemas && schemas->is_array()) {
    for (const auto& s : *schemas) {
      if (s.is_string() && EqualsCi(s.get<std::string>(), kPatchOpSchema)) has_urn = true;
    }
  }
  if (!has_urn) {
    return MakeError(ErrorCode::kInvalidValue, std::string("`schemas` must contain ") + kPatchOpSchema);
  }
  const Json* operations = FindKeyCi(body, "Operations");
  if (!operations || !operations->is_array()) {
    return MakeError(ErrorCode::kInvalidValue, "`Operations` must be an array of operations");
  }
  if (operations->empty()) return MakeError(ErrorCode::kInvalidValue, "`Operations` must not be empty");

  std::vector<PatchOperation> out;
  for (size_t i = 0; i < operations->size(); ++i) {
    const Json& raw = (*operations)[i];
    std::string where = "Operations[" + std::to_string(i) + "]";
    if (!raw.is_object()) return MakeError(ErrorCode::kInvalidValue, "`" + where + "` must be an object");
    PatchOperation op;
    const Json* name = FindKeyCi(raw, "op");
    std::string op_text = name && name->is_string() ? name->get<std::string>() : (name ? name->dump() : "");
    if (EqualsCi(op_text, "add")) {
      op.op = PatchOperation::Op::kAdd;
    } else if (EqualsCi(op_text, "remove")) {
      op.op = PatchOperation::Op::kRemove;
    } else if (EqualsCi(op_text, "replace")) {
      op.op = PatchOperation::Op::kReplace;
    } else if (!name) {
      return MakeError(ErrorCode::kInvalidValue, "`" + where + ".op` is missing");
    } else {
      return MakeError(ErrorCode::kInvalidValue,
                       "`" + where + ".op` \"" + op_text + "\" is not one of add, remove, replace");
    }
    const Json* path = FindKeyCi(raw, "path");
    if (path && !path->is_null()) {
      if (!path->is_string()) return MakeError(ErrorCode::kInvalidPath, "`" + where + ".path` must be a string");
      // An empty path is treated like an absent one (path-less).
      if (!path->get<std::string>().empty()) op.path = path->get<std::string>();
    }
    if (const Json* value = FindKeyCi(raw, "value")) op.value = *value;
    if (op.op == PatchOperation::Op::kRemove && !op.path) {
      // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails
      // with HTTP status code 400 and a 'scimType' error code of 'noTarget'."
      return MakeError(ErrorCode::kNoTarget, "`" + where + "`: remove needs a path");
    }
    if (op.op != PatchOperation::Op::kRemove && op.value.is_null()) {
      return MakeError(ErrorCode::kInvalidValue, "`" + where + "`: " + OpName(op.op) + " needs a value");
    }
    out.push_back(std::move(op));
  }
  return out;
}

core::Status ApplyPatch(core::Json& resource, const std::vector<PatchOperation>& ops, ResourceKind kind,
                        std::vector<MemberChange>* member_changes) {
  // Work on a copy and swap it in only when every operation succeeded, so a
  // failing operation leaves both the resource and *member_changes untouched.
  Json work = resource.is_object() ? resource : Json::object();
  std::vector<MemberChange> members;
  patch::Context ctx{kind, work, members};
  for (size_t i = 0; i < ops.size(); ++i) {
    Status s = patch::ApplyOperation(ctx, ops[i]);
    if (!s.ok()) {
      Error e = s.error();
      e.detail = "Operations[" + std::to_string(i) + "] (" + OpName(ops[i].op) + "): " + e.detail;
      return e;
    }
  }
  patch::TidyExtensions(ctx);
  if (!members.empty()) {
    if (!member_changes) return MakeError(ErrorCode::kInternal, "Group membership changed but no member_changes given");
    member_changes->insert(member_changes->end(), members.begin(), members.end());
  }
  resource = std::move(work);
  return Status::Ok();
}

}  // namespace scim

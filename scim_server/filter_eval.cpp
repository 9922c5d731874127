// The in-memory filter evaluator (used by PATCH value-path filters) and the
// operand checks it shares with the SQL compiler. The parser is filter.cpp.
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "scim_server/filter.h"

namespace scim {

namespace {

using core::Error;
using core::ErrorCode;
using core::Result;


bool IsEmptyValue(const Json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
         (v.is_array() && v.empty()) || (v.is_object() && v.empty());
}

int Sign(double d) { return d < 0 ? -1 : (d > 0 ? 1 : 0); }

bool OrderingHolds(CompareOp op, int cmp) {
  switch (op) {
    case CompareOp::kEq: return cmp == 0;
    case CompareOp::kNe: return cmp != 0;
    case CompareOp::kGt: return cmp > 0;
    case CompareOp::kGe: return cmp >= 0;
    case CompareOp::kLt: return cmp < 0;
    case CompareOp::kLe: return cmp <= 0;
    default: return false;
  }
}

// One attribute value against the literal. Values of the wrong JSON type
// never match (they are invalid data, not a filter error).
bool CompareOne(const AttributeDef& def, CompareOp op, const Json& value, const Json& literal) {
  if (op == CompareOp::kPr) return !IsEmptyValue(value);
  if (literal.is_null()) {
    // "attr eq null" asks for absence, "ne null" for presence; absent values
    // arrive here as null.
    return op == CompareOp::kEq ? IsEmptyValue(value) : !IsEmptyValue(value);
  }
  if (value.is_null()) return false;
  switch (def.type) {
    case AttrType::kBoolean:
      if (!value.is_boolean()) return false;
      return op == CompareOp::kEq ? value == literal : value != literal;
    case AttrType::kInteger:
    case AttrType::kDecimal: {
      if (!value.is_number()) return false;
      int cmp;
      if (value.is_number_integer() && literal.is_number_integer()) {
        auto a = value.get<int64_t>(), b = literal.get<int64_t>();
        cmp = a < b ? -1 : (a > b ? 1 : 0);
      } else {
        cmp = Sign(value.get<double>() - literal.get<double>());
      }
      return OrderingHolds(op, cmp);
    }
    case AttrType::kDateTime: {
      if (!value.is_string()) return false;
      auto a = core::ParseIso8601(value.get<std::string>());
      auto b = core::ParseIso8601(literal.get<std::string>());
      if (!a || !b) return false;
      return OrderingHolds(op, *a < *b ? -1 : (*a > *b ? 1 : 0));
    }
    default: {
      if (!value.is_string()) return false;
      std::string a = value.get<std::string>();
      std::string b = literal.get<std::string>();
      if (!def.case_exact) {
        a = core::ToLower(a);
        b = core::ToLower(b);
      }
      switch (op) {
        case CompareOp::kCo: return a.find(b) != std::string::npos;
        case CompareOp::kSw: return a.compare(0, b.size(), b) == 0 && a.size() >= b.size();
        case CompareOp::kEw: return a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0;
        default: {
          int cmp = a.compare(b);
          return OrderingHolds(op, cmp < 0 ? -1 : (cmp > 0 ? 1 : 0));
        }
      }
    }
  }
}

// What one comparison or value path looks at inside `object`.
struct Target {
  const AttributeDef* attr = nullptr;  // the named attribute
  const AttributeDef* sub = nullptr;   // its sub-attribute, if named
  const Json* value = nullptr;         // the attribute's JSON value, null when absent
};

Result<Target> Locate(const AttrPath& written, const Json& object, ResourceKind kind, const AttributeDef* parent) {
  Target target;
  if (parent) {
    if (!written.urn.empty() || !written.sub.empty()) {
      return FilterError("'" + written.ToString() + "' is not a sub-attribute of '" + parent->name + "'");
    }
    target.attr = parent->FindSub(written.attr);
    if (!target.attr) {
      return FilterError("unknown sub-attribute '" + written.attr + "' of '" + parent->name + "'");
    }
    target.value = core::FindKeyCi(object, target.attr->name);
    return target;
  }
  AttrPath path = ApplyEmailAlias(written, kind);
  auto resolved = SchemaRegistry::Default().Resolve(kind, path);
  if (!resolved) return FilterError("unknown attribute '" + written.ToString() + "'");
  target.attr = resolved->attr;
  target.sub = resolved->sub;
  const Json* container = &object;
  if (resolved->in_extension) container = core::FindKeyCi(object, resolved->schema->id);
  if (container) target.value = core::FindKeyCi(*container, resolved->attr->name);
  return target;
}

// The values a comparison on `target` looks at: one per element for
// multi-valued attributes, the sub-attribute when one is named, and `value`
// for a multi-valued complex attribute named without one (RFC 7644: `emails eq`
// compares the value sub-attribute).
void CollectValues(const Target& target, const AttributeDef** leaf, std::vector<const Json*>* out) {
  const AttributeDef* sub = target.sub;
  if (!sub && target.attr->type == AttrType::kComplex && target.attr->multi_valued) {
    sub = target.attr->FindSub("value");
  }
  *leaf = sub ? sub : target.attr;
  if (!target.value || target.value->is_null()) return;
  auto add = [&](const Json& element) {
    if (sub) {
      out->push_back(core::FindKeyCi(element, sub->name));
    } else {
      out->push_back(&element);
    }
  };
  if (target.value->is_array()) {
    for (const Json& element : *target.value) add(element);
  } else {
    add(*target.value);
  }
}

}  // namespace

AttrPath ApplyEmailAlias(const AttrPath& path, ResourceKind kind) {
  if (kind == ResourceKind::kUser && path.sub.empty() && core::EqualsCi(path.attr, "email") &&
      (path.urn.empty() || core::EqualsCi(path.urn, kUserSchema))) {
    return AttrPath{"", "emails", "value"};
  }
  return path;
}

std::optional<Error> CheckFilterOperands(const AttributeDef& def, CompareOp op, const Json& literal,
                                   const std::string& name) {
  if (op == CompareOp::kPr) return std::nullopt;
  std::string op_name = CompareOpName(op);
  if (def.type == AttrType::kComplex) {
    return FilterError("operator '" + op_name + "' does not apply to complex attribute '" + name + "'");
  }
  if (literal.is_null()) {
    if (op == CompareOp::kEq || op == CompareOp::kNe) return std::nullopt;
    return FilterError("operator '" + op_name + "' cannot compare '" + name + "' with null");
  }
  bool ordering = op == CompareOp::kGt || op == CompareOp::kGe || op == CompareOp::kLt || op == CompareOp::kLe;
  bool substring = op == CompareOp::kCo || op == CompareOp::kSw || op == CompareOp::kEw;
  switch (def.type) {
    case AttrType::kBoolean:
      if (ordering || substring) {
        return FilterError("operator '" + op_name + "' does not apply to boolean attribute '" + name + "'");
      }
      if (!literal.is_boolean()) return FilterError("'" + name + "' is boolean; compare it with true or false");
      return std::nullopt;
    case AttrType::kInteger:
    case AttrType::kDecimal:
      if (substring) {
        return FilterError("operator '" + op_name + "' does not apply to numeric attribute '" + name + "'");
      }
      if (!literal.is_number()) return FilterError("'" + name + "' is numeric; compare it with a number");
      return std::nullopt;
    case AttrType::kDateTime:
      if (substring) {
        return FilterError("operator '" + op_name + "' does not apply to dateTime attribute '" + name + "'");
      }
      if (!literal.is_string() || !core::ParseIso8601(literal.get<std::string>())) {
        return FilterError("'" + name + "' is a dateTime; compare it with a string such as \"2024-01-01T00:00:00Z\""
                           " (years 1678 to 2261)");
      }
      return std::nullopt;
    default:
      if (!literal.is_string()) return FilterError("'" + name + "' is a string; compare it with a quoted string");
      return std::nullopt;
  }
}

core::Result<bool> EvaluateFilter(const FilterNode& filter, const Json& object, ResourceKind kind,
                                  const AttributeDef* parent) {
  switch (filter.kind) {
    case FilterNode::Kind::kAnd:
    case FilterNode::Kind::kOr: {
      // Both sides are evaluated so an unknown attribute is reported whatever the data.
      auto left = EvaluateFilter(*filter.left, object, kind, parent);
      if (!left.ok()) return left;
      auto right = EvaluateFilter(*filter.right, object, kind, parent);
      if (!right.ok()) return right;
      return filter.kind == FilterNode::Kind::kAnd ? (*left && *right) : (*left || *right);
    }
    case FilterNode::Kind::kNot: {
      auto inner = EvaluateFilter(*filter.left, object, kind, parent);
      if (!inner.ok()) return inner;
      return !*inner;
    }
    case FilterNode::Kind::kValuePath: {
      if (parent) return FilterError("a value filter cannot contain another '['");
      auto target = Locate(filter.path, object, kind, parent);
      if (!target.ok()) return target.error();
      if (target->sub || target->attr->type != AttrType::kComplex) {
        return FilterError("'" + filter.path.ToString() + "[...]' needs a complex attribute");
      }
      // Evaluate once against an empty element so that unknown sub-attributes
      // are reported even when the attribute is absent.
      auto check = EvaluateFilter(*filter.left, Json::object(), kind, target->attr);
      if (!check.ok()) return check;
      if (!target->value) return false;
      if (target->value->is_object()) return EvaluateFilter(*filter.left, *target->value, kind, target->attr);
      if (!target->value->is_array()) return false;
      for (const Json& element : *target->value) {
        if (!element.is_object()) continue;
        auto match = EvaluateFilter(*filter.left, element, kind, target->attr);
        if (!match.ok()) return match;
        if (*match) return true;
      }
      return false;
    }
    case FilterNode::Kind::kCompare: {
      auto target = Locate(filter.path, object, kind, parent);
      if (!target.ok()) return target.error();
      const AttributeDef* leaf = nullptr;
      std::vector<const Json*> values;
      CollectValues(*target, &leaf, &values);
      if (auto error = CheckFilterOperands(*leaf, filter.op, filter.value, filter.path.ToString())) return *error;
      if (filter.value.is_null() && filter.op == CompareOp::kEq) {
        // Absent: no value at all, or every value empty.
        for (const Json* v : values) {
          if (v && !IsEmptyValue(*v)) return false;
        }
        return true;
      }
      static const Json kNull;
      for (const Json* v : values) {
        if (CompareOne(*leaf, filter.op, v ? *v : kNull, filter.value)) return true;
      }
      return false;
    }
  }
  return FilterError("unknown filter node");
}

}  // namespace scim

// Filter → SQL. Every comparison literal becomes a bound parameter; the only
// text spliced into the SQL is column names and JSON paths built from the
// schema's canonical attribute names.
//
// NULL handling: a comparison on a missing attribute is SQL NULL, which a
// WHERE clause (and AND/OR around it) treats as false, matching
// EvaluateFilter where a comparison on no value is false (so `title ne "x"`
// does not match users without a title). `not` is the one place where NULL
// would leak through (NOT NULL is NULL), so it compiles to
// NOT COALESCE((inner), 0): true exactly when the inner filter does not match.
//
// Multi-valued attributes with a side table compile to
// `t.pk IN (SELECT ... )` rather than a correlated EXISTS: the two mean the
// same here (the selected keys are NOT NULL), and the IN form lets SQLite
// start from the (attr, value) index instead of scanning every user.
#include "scim_server/filter_sql.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "core/clock.h"

namespace scim {

namespace {

using core::Error;
using core::ErrorCode;
using core::Result;


// A piece of SQL and the parameters for its `?`s, in order.
struct Frag {
  std::string sql;
  std::vector<SqlParam> params;

  Frag& Add(std::string_view text) {
    sql += text;
    return *this;
  }
  Frag& Add(const Frag& other) {
    sql += other.sql;
    params.insert(params.end(), other.params.begin(), other.params.end());
    return *this;
  }
  Frag& Param(SqlParam p) {
    sql += '?';
    params.push_back(std::move(p));
    return *this;
  }
};

// A quoted JSON path '$."a"."b"' as an SQL string literal. Keys come from the
// schema (canonical names and URNs), never from the filter text.
std::string JsonPath(const std::vector<std::string>& keys) {
  std::string path = "'$";
  for (const auto& key : keys) path += ".\"" + key + "\"";
  return path + "'";
}

bool SafeKey(std::string_view key) {
  return key.find('"') == std::string_view::npos && key.find('\'') == std::string_view::npos &&
         key.find('\\') == std::string_view::npos;
}

// Where the value being compared lives.
struct Operand {
  enum class Kind {
    kColumn,    // a table column (expr is e.g. "t.user_name")
    kJson,      // a value inside a JSON document: json_extract(doc, path)
    kConstant,  // a value fixed by the resource type (expr is "?" with a param)
    kVersion,   // t.version (integer) exposed as the string meta.version W/"n"
    kDateText,  // a column of fixed-width ISO-8601 text (created, last_modified)
  };
  Kind kind = Kind::kColumn;
  Frag expr;
  const AttributeDef* def = nullptr;  // leaf definition: type and case rules
  std::string doc;                    // kJson: the JSON document expression
  std::string path;                   // kJson: the quoted path
};

Operand Column(std::string expr, const AttributeDef* def, Operand::Kind kind = Operand::Kind::kColumn) {
  Operand op;
  op.kind = kind;
  op.expr.Add(expr);
  op.def = def;
  return op;
}

Operand JsonValue(std::string doc, std::string path, const AttributeDef* def) {
  Operand op;
  op.kind = Operand::Kind::kJson;
  op.expr.Add("json_extract(" + doc + ", " + path + ")");
  op.doc = std::move(doc);
  op.path = std::move(path);
  op.def = def;
  return op;
}

Operand Constant(std::string value, const AttributeDef* def) {
  Operand op;
  op.kind = Operand::Kind::kConstant;
  op.expr.Param(std::move(value));
  op.def = def;
  return op;
}

// The elements of a multi-valued attribute (or the one object of a
// single-valued complex attribute), and how to reach their sub-attributes.
struct ElementSource {
  enum class Kind {
    kUserValues,  // user_values v, for User attributes with a `value` sub-attribute
    kMembers,     // Group members: group_members m JOIN users u
    kUserGroups,  // User groups: group_members m JOIN groups g
    kJsonArray,   // json_each over the array in t.data, alias e
    kJsonObject,  // a single complex attribute in t.data
  };
  Kind kind = Kind::kJsonArray;
  const AttributeDef* attr = nullptr;
  std::vector<std::string> keys;  // JSON keys from t.data to the attribute
};

bool HasUserValuesRows(const AttributeDef& attr) {
  static constexpr const char* kNames[] = {"emails", "phoneNumbers",    "ims", "photos", "entitlements",
                                           "roles",  "x509Certificates"};
  for (const char* name : kNames) {
    if (core::EqualsCi(attr.name, name)) return true;
  }
  return false;
}

ElementSource SourceFor(const ResolvedAttr& resolved, ResourceKind kind) {
  ElementSource src;
  src.attr = resolved.attr;
  if (resolved.in_extension) src.keys.push_back(resolved.schema->id);
  src.keys.push_back(resolved.attr->name);
  bool core_attr = !resolved.in_extension;
  if (!resolved.attr->multi_valued) {
    src.kind = ElementSource::Kind::kJsonObject;
  } else if (core_attr && kind == ResourceKind::kUser && HasUserValuesRows(*resolved.attr)) {
    src.kind = ElementSource::Kind::kUserValues;
  } else if (core_attr && kind == ResourceKind::kGroup && core::EqualsCi(resolved.attr->name, "members")) {
    src.kind = ElementSource::Kind::kMembers;
  } else if (core_attr && kind == ResourceKind::kUser && core::EqualsCi(resolved.attr->name, "groups")) {
    src.kind = ElementSource::Kind::kUserGroups;
  } else {
    src.kind = ElementSource::Kind::kJsonArray;
  }
  return src;
}

// The operand for `sub` of one element of `src` (`sub` null: the element
// itself, for a multi-valued simple attribute).
Result<Operand> ElementOperand(const ElementSource& src, const AttributeDef* sub) {
  std::string name = src.attr->name + (sub ? "." + sub->name : "");
  auto unsupported = [&]() { return FilterError("filtering on '" + name + "' is not supported"); };
  switch (src.kind) {
    case ElementSource::Kind::kUserValues:
      if (!sub) return unsupported();
      if (core::EqualsCi(sub->name, "value")) return Column("v.value", sub);
      if (core::EqualsCi(sub->name, "type")) return Column("v.type", sub);
      if (core::EqualsCi(sub->name, "primary")) return Column("v.is_primary", sub);
      if (core::EqualsCi(sub->name, "display")) return Column("v.display", sub);
      return unsupported();
    case ElementSource::Kind::kMembers:
      if (!sub) return unsupported();
      if (core::EqualsCi(sub->name, "value")) return Column("u.id", sub);
      if (core::EqualsCi(sub->name, "display")) return Column("u.display_name", sub);
      if (core::EqualsCi(sub->name, "type")) return Constant("User", sub);  // only Users are stored as members
      return unsupported();
    case ElementSource::Kind::kUserGroups:
      if (!sub) return unsupported();
      if (core::EqualsCi(sub->name, "value")) return Column("g.id", sub);
      if (core::EqualsCi(sub->name, "display")) return Column("g.display_name", sub);
      if (core::EqualsCi(sub->name, "type")) return Constant("direct", sub);  // no nested groups
      return unsupported();
    case ElementSource::Kind::kJsonArray:
      if (!sub) return Column("e.value", src.attr);
      if (!SafeKey(sub->name)) return unsupported();
      return JsonValue("e.value", JsonPath({sub->name}), sub);
    case ElementSource::Kind::kJsonObject: {
      if (!sub) return unsupported();
      std::vector<std::string> keys = src.keys;
      keys.push_back(sub->name);
      for (const auto& key : keys) {
        if (!SafeKey(key)) return unsupported();
      }
      return JsonValue("t.data", JsonPath(keys), sub);
    }
  }
  return unsupported();
}

// A condition over one element, lifted to "some element of the resource satisfies it".
Frag WrapElements(const ElementSource& src, const Frag& cond) {
  Frag out;
  switch (src.kind) {
    case ElementSource::Kind::kUserValues:
      out.Add("t.pk IN (SELECT v.user_pk FROM user_values v WHERE v.attr = '" + src.attr->name + "' AND (");
      out.Add(cond).Add("))");
      return out;
    case ElementSource::Kind::kMembers:
      out.Add("t.pk IN (SELECT m.group_pk FROM group_members m JOIN users u ON u.pk = m.user_pk WHERE (");
      out.Add(cond).Add("))");
      return out;
    case ElementSource::Kind::kUserGroups:
      out.Add("t.pk IN (SELECT m.user_pk FROM group_members m JOIN groups g ON g.pk = m.group_pk WHERE (");
      out.Add(cond).Add("))");
      return out;
    case ElementSource::Kind::kJsonArray:
      out.Add("EXISTS (SELECT 1 FROM json_each(t.data, " + JsonPath(src.keys) + ") e WHERE (");
      out.Add(cond).Add("))");
      return out;
    case ElementSource::Kind::kJsonObject: return cond;
  }
  return cond;
}

bool IsSubstring(CompareOp op) { return op == CompareOp::kCo || op == CompareOp::kSw || op == CompareOp::kEw; }

const char* SqlOperator(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return " = ";
    case CompareOp::kNe: return " <> ";
    case CompareOp::kGt: return " > ";
    case CompareOp::kGe: return " >= ";
    case CompareOp::kLt: return " < ";
    case CompareOp::kLe: return " <= ";
    default: return " = ";
  }
}

// `pr`: present and not null or empty.
Frag Present(const Operand& x) {
  Frag out;
  switch (x.kind) {
    case Operand::Kind::kConstant: return out.Add("1");
    case Operand::Kind::kJson: {
      std::string type = "json_type(" + x.doc + ", " + x.path + ")";
      std::string value = "json_extract(" + x.doc + ", " + x.path + ")";
      return out.Add("(" + type + " IN ('true', 'false', 'integer', 'real') OR (" + type + " = 'text' AND " + value +
                     " <> '') OR (" + type + " = 'array' AND json_array_length(" + x.doc + ", " + x.path +
                     ") > 0) OR (" + type + " = 'object' AND " + value + " <> '{}'))");
    }
    default: out.Add("(").Add(x.expr).Add(" IS NOT NULL AND ").Add(x.expr).Add(" <> '')"); return out;
  }
}

std::string EscapeLike(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// W/"3", "3" or 3 → 3, as meta.version is rendered from t.version.
std::optional<int64_t> ParseVersion(std::string s) {
  if (s.size() >= 2 && (s[0] == 'W' || s[0] == 'w') && s[1] == '/') s = s.substr(2);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.empty() || s.size() > 18) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::strtoll(s.c_str(), nullptr, 10);
}

SqlParam NumberParam(const Json& literal) {
  if (literal.is_number_integer()) return literal.get<int64_t>();
  return literal.get<double>();
}

// One comparison of `x` with a non-null literal (types already checked).
Result<Frag> Condition(const Operand& x, CompareOp op, const Json& literal, const std::string& name) {
  Frag out;
  if (op == CompareOp::kPr) return Present(x);
  const AttributeDef& def = *x.def;
  if (x.kind == Operand::Kind::kVersion) {
    if (IsSubstring(op))
      return FilterError("operator '" + std::string(CompareOpName(op)) + "' does not apply to '" + name + "'");
    auto version = ParseVersion(literal.get<std::string>());
    if (!version) return FilterError("'" + name + "' is compared with a version such as W/\"3\"");
    out.Add(x.expr).Add(SqlOperator(op)).Param(*version);
    return out;
  }
  switch (def.type) {
    case AttrType::kBoolean:
      out.Add(x.expr).Add(SqlOperator(op)).Param(int64_t{literal.get<bool>() ? 1 : 0});
      return out;
    case AttrType::kInteger:
    case AttrType::kDecimal: out.Add(x.expr).Add(SqlOperator(op)).Param(NumberParam(literal)); return out;
    case AttrType::kDateTime: {
      // Normalised to the stored fixed-width form, so text order is time order.
      std::string normal = core::FormatIso8601(*core::ParseIso8601(literal.get<std::string>()));
      if (x.kind == Operand::Kind::kDateText) {
        out.Add(x.expr).Add(SqlOperator(op)).Param(normal);
      } else {
        out.Add("julianday(").Add(x.expr).Add(")").Add(SqlOperator(op)).Add("julianday(").Param(normal).Add(")");
      }
      return out;
    }
    default: break;
  }
  std::string text = literal.get<std::string>();
  const char* collate = def.case_exact ? " COLLATE BINARY" : " COLLATE NOCASE";
  if (!IsSubstring(op)) {
    out.Add(x.expr).Add(SqlOperator(op)).Param(text).Add(collate);
    return out;
  }
  if (!def.case_exact) {
    // LIKE is ASCII case-insensitive, like NOCASE and the evaluator's ToLower.
    std::string pattern = EscapeLike(text);
    if (op == CompareOp::kCo) pattern = "%" + pattern + "%";
    if (op == CompareOp::kSw) pattern += "%";
    if (op == CompareOp::kEw) pattern = "%" + pattern;
    out.Add(x.expr).Add(" LIKE ").Param(pattern).Add(" ESCAPE '\\'");
    return out;
  }
  switch (op) {
    case CompareOp::kCo: out.Add("instr(").Add(x.expr).Add(", ").Param(text).Add(") > 0"); break;
    case CompareOp::kSw:
      out.Add("substr(").Add(x.expr).Add(", 1, length(").Param(text).Add(")) = ").Param(text).Add(" COLLATE BINARY");
      break;
    default:  // kEw; the start is past the end for an empty literal, giving ''
      out.Add("substr(").Add(x.expr).Add(", length(").Add(x.expr).Add(") - length(").Param(text).Add(") + 1) = ");
      out.Param(text).Add(" COLLATE BINARY");
      break;
  }
  return out;
}

Frag Not(const Frag& inner) {
  Frag out;
  out.Add("NOT COALESCE((").Add(inner).Add("), 0)");
  return out;
}

// Where a top-level attribute path lives: either a plain operand on `t`, or
// an element source plus the sub-attribute to compare (`emails.value`).
struct Located {
  std::optional<Operand> operand;         // set for single-valued attributes
  std::optional<ElementSource> elements;  // set for multi-valued attributes
  const AttributeDef* element_sub = nullptr;
};

Result<Located> Locate(const AttrPath& written, ResourceKind kind) {
  AttrPath path = ApplyEmailAlias(written, kind);
  const SchemaRegistry& registry = SchemaRegistry::Default();
  auto resolved = registry.Resolve(kind, path);
  if (!resolved) return FilterError("unknown attribute '" + written.ToString() + "'");
  const AttributeDef* attr = resolved->attr;
  const AttributeDef* sub = resolved->sub;
  std::string name = written.ToString();
  Located out;

  if (resolved->schema == &registry.Common()) {
    if (core::EqualsCi(attr->name, "id")) {
      out.operand = Column("t.id", attr);
    } else if (core::EqualsCi(attr->name, "externalId")) {
      out.operand = Column("t.external_id", attr);
    } else if (core::EqualsCi(attr->name, "meta") && !sub) {
      out.operand = Constant("meta", attr);  // always present; only `pr` applies
    } else if (core::EqualsCi(attr->name, "meta")) {
      if (core::EqualsCi(sub->name, "created")) {
        out.operand = Column("t.created", sub, Operand::Kind::kDateText);
      } else if (core::EqualsCi(sub->name, "lastModified")) {
        out.operand = Column("t.last_modified", sub, Operand::Kind::kDateText);
      } else if (core::EqualsCi(sub->name, "version")) {
        out.operand = Column("t.version", sub, Operand::Kind::kVersion);
      } else if (core::EqualsCi(sub->name, "resourceType")) {
        out.operand = Constant(kind == ResourceKind::kUser ? "User" : "Group", sub);
      } else {
        return FilterError("filtering on '" + name + "' is not supported");
      }
    } else {
      return FilterError("filtering on '" + name + "' is not supported");
    }
    return out;
  }

  if (attr->multi_valued) {
    out.elements = SourceFor(*resolved, kind);
    out.element_sub = sub;
    return out;
  }
  if (!resolved->in_extension && !sub) {
    if (kind == ResourceKind::kUser && core::EqualsCi(attr->name, "userName")) {
      out.operand = Column("t.user_name", attr);
      return out;
    }
    if (core::EqualsCi(attr->name, "displayName")) {
      out.operand = Column("t.display_name", attr);
      return out;
    }
    if (kind == ResourceKind::kUser && core::EqualsCi(attr->name, "active")) {
      out.operand = Column("t.active", attr);
      return out;
    }
  }
  std::vector<std::string> keys;
  if (resolved->in_extension) keys.push_back(resolved->schema->id);
  keys.push_back(attr->name);
  if (sub) keys.push_back(sub->name);
  for (const auto& key : keys) {
    if (!SafeKey(key)) return FilterError("filtering on '" + name + "' is not supported");
  }
  out.operand = JsonValue("t.data", JsonPath(keys), sub ? sub : attr);
  return out;
}

// A comparison, with "some element matches" for multi-valued attributes and
// `eq null` / `ne null` as absence / presence.
Result<Frag> CompileComparison(const Operand& x, const ElementSource* elements, CompareOp op, const Json& literal,
                               const std::string& name) {
  if (auto error = CheckFilterOperands(*x.def, op, literal, name)) return *error;
  bool null_literal = op != CompareOp::kPr && literal.is_null();
  auto cond = Condition(x, null_literal ? CompareOp::kPr : op, literal, name);
  if (!cond.ok()) return cond;
  Frag out = elements ? WrapElements(*elements, *cond) : *cond;
  if (null_literal && op == CompareOp::kEq) return Not(out);
  return out;
}

// The operands of a chain of `kind` (and, or) in order, left to right.
void CollectChain(const FilterNode& node, FilterNode::Kind kind, std::vector<const FilterNode*>* out) {
  std::vector<const FilterNode*> stack{&node};
  while (!stack.empty()) {
    const FilterNode* n = stack.back();
    stack.pop_back();
    if (n->kind == kind) {
      stack.push_back(n->right.get());  // popped after the left side: keeps the order
      stack.push_back(n->left.get());
    } else {
      out->push_back(n);
    }
  }
}

// frags[lo, hi) joined by `op` as a balanced, parenthesised tree.
Frag Balanced(const std::vector<Frag>& frags, size_t lo, size_t hi, const char* op) {
  if (hi - lo == 1) return frags[lo];
  size_t mid = lo + (hi - lo) / 2;
  Frag out;
  out.Add("(").Add(Balanced(frags, lo, mid, op)).Add(op).Add(Balanced(frags, mid, hi, op)).Add(")");
  return out;
}

class Compiler {
 public:
  explicit Compiler(ResourceKind kind) : kind_(kind) {}

  // `element` is set inside a value path: names resolve to its sub-attributes.
  Result<Frag> Compile(const FilterNode& node, const ElementSource* element) {
    switch (node.kind) {
      case FilterNode::Kind::kAnd:
      case FilterNode::Kind::kOr: {
        // A chain of one operator (a or b or c …) is compiled as a balanced
        // tree: SQLite's parser stack and expression depth then grow with
        // log2 of the terms, not with their number (a chain of ~90 terms
        // overflowed SQLite's parser stack: 500 instead of an answer).
        std::vector<const FilterNode*> terms;
        CollectChain(node, node.kind, &terms);
        std::vector<Frag> frags;
        frags.reserve(terms.size());
        for (const FilterNode* t : terms) {
          auto f = Compile(*t, element);
          if (!f.ok()) return f;
          frags.push_back(std::move(*f));
        }
        return Balanced(frags, 0, frags.size(), node.kind == FilterNode::Kind::kAnd ? ") AND (" : ") OR (");
      }
      case FilterNode::Kind::kNot: {
        auto inner = Compile(*node.left, element);
        if (!inner.ok()) return inner;
        return Not(*inner);
      }
      case FilterNode::Kind::kValuePath: return CompileValuePath(node, element);
      case FilterNode::Kind::kCompare: return element ? CompileInElement(node, *element) : CompileTopLevel(node);
    }
    return FilterError("unknown filter node");
  }

 private:
  Result<Frag> CompileValuePath(const FilterNode& node, const ElementSource* element) {
    if (element) return FilterError("a value filter cannot contain another '['");
    auto resolved = SchemaRegistry::Default().Resolve(kind_, node.path);
    if (!resolved) return FilterError("unknown attribute '" + node.path.ToString() + "'");
    if (resolved->sub || resolved->attr->type != AttrType::kComplex ||
        resolved->schema == &SchemaRegistry::Default().Common()) {
      return FilterError("'" + node.path.ToString() + "[...]' needs a complex attribute");
    }
    ElementSource src = SourceFor(*resolved, kind_);
    auto inner = Compile(*node.left, &src);
    if (!inner.ok()) return inner;
    return WrapElements(src, *inner);
  }

  Result<Frag> CompileInElement(const FilterNode& node, const ElementSource& element) {
    std::string name = element.attr->name + "." + node.path.ToString();
    if (!node.path.urn.empty() || !node.path.sub.empty()) {
      return FilterError("'" + node.path.ToString() + "' is not a sub-attribute of '" + element.attr->name + "'");
    }
    const AttributeDef* sub = element.attr->FindSub(node.path.attr);
    if (!sub) return FilterError("unknown sub-attribute '" + node.path.attr + "' of '" + element.attr->name + "'");
    auto x = ElementOperand(element, sub);
    if (!x.ok()) return x.error();
    return CompileComparison(*x, nullptr, node.op, node.value, name);
  }

  Result<Frag> CompileTopLevel(const FilterNode& node) {
    std::string name = node.path.ToString();
    auto located = Locate(node.path, kind_);
    if (!located.ok()) return located.error();
    if (located->operand) return CompileComparison(*located->operand, nullptr, node.op, node.value, name);
    const ElementSource& src = *located->elements;
    // `emails eq "x"` compares the `value` sub-attribute (RFC 7644 §3.4.2.2).
    const AttributeDef* sub = located->element_sub;
    if (!sub && src.attr->type == AttrType::kComplex) sub = src.attr->FindSub("value");
    if (!sub && src.attr->type == AttrType::kComplex) {
      if (node.op != CompareOp::kPr) {
        return FilterError("operator '" + std::string(CompareOpName(node.op)) +
                           "' does not apply to complex attribute '" + name + "'");
      }
      Frag any;
      any.Add("1");
      return WrapElements(src, any);
    }
    auto x = ElementOperand(src, sub);
    if (!x.ok()) return x.error();
    return CompileComparison(*x, &src, node.op, node.value, name);
  }

  ResourceKind kind_;
};

}  // namespace

core::Result<SqlWhere> CompileFilter(const FilterNode& filter, ResourceKind kind) {
  auto frag = Compiler(kind).Compile(filter, nullptr);
  if (!frag.ok()) return frag.error();
  return SqlWhere{std::move(frag->sql), std::move(frag->params)};
}

core::Result<std::string> CompileSortKey(const AttrPath& path, ResourceKind kind) {
  auto located = Locate(path, kind);
  if (!located.ok()) return Error{ErrorCode::kInvalidValue, located.error().detail};
  auto collation = [](const AttributeDef& def) -> std::string {
    bool text = def.type == AttrType::kString || def.type == AttrType::kReference || def.type == AttrType::kBinary;
    if (!text) return "";
    return def.case_exact ? " COLLATE BINARY" : " COLLATE NOCASE";
  };
  auto not_sortable = [&]() {
    return Error{ErrorCode::kInvalidValue, "cannot sort by complex attribute '" + path.ToString() + "'"};
  };
  if (located->operand) {
    const Operand& x = *located->operand;
    if (x.def->type == AttrType::kComplex) return not_sortable();
    if (x.kind == Operand::Kind::kConstant) return std::string("NULL");  // the same for every row
    return x.expr.sql + collation(*x.def);
  }
  // Multi-valued: RFC 7644 §3.4.2.3 sorts by the primary (else first) element.
  const ElementSource& src = *located->elements;
  const AttributeDef* sub = located->element_sub;
  if (!sub && src.attr->type == AttrType::kComplex) sub = src.attr->FindSub("value");
  if (!sub && src.attr->type == AttrType::kComplex) return not_sortable();
  auto x = ElementOperand(src, sub);
  if (!x.ok()) return Error{ErrorCode::kInvalidValue, x.error().detail};
  if (!x->expr.params.empty()) return std::string("NULL");
  if (x->def->type == AttrType::kComplex) return not_sortable();
  std::string value = x->expr.sql;
  std::string sql;
  switch (src.kind) {
    case ElementSource::Kind::kUserValues:
      sql = "(SELECT " + value + " FROM user_values v WHERE v.user_pk = t.pk AND v.attr = '" + src.attr->name +
            "' ORDER BY v.is_primary DESC, v.rowid LIMIT 1)";
      break;
    case ElementSource::Kind::kMembers:
      sql = "(SELECT " + value + " FROM group_members m JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = t.pk" +
            " ORDER BY " + value + " LIMIT 1)";
      break;
    case ElementSource::Kind::kUserGroups:
      sql = "(SELECT " + value + " FROM group_members m JOIN groups g ON g.pk = m.group_pk WHERE m.user_pk = t.pk" +
            " ORDER BY " + value + " LIMIT 1)";
      break;
    case ElementSource::Kind::kJsonArray:
      sql = "(SELECT " + value + " FROM json_each(t.data, " + JsonPath(src.keys) + ") e ORDER BY " +
            "COALESCE(json_extract(e.value, '$.\"primary\"'), 0) DESC, e.key LIMIT 1)";
      break;
    case ElementSource::Kind::kJsonObject: sql = value; break;
  }
  return sql + collation(*x->def);
}

}  // namespace scim

#include "mock_okta/okta_expression.h"

#include <cctype>
#include <set>

#include "core/json_util.h"

namespace okta {

namespace {

// Recursive descent over the grammar in the header; the first error wins.
class ExprParser {
 public:
  ExprParser(std::string_view text, const AttrCheck& check) : s_(text), check_(check) {}
  static constexpr int kMaxDepth = 32;    // nested parentheses
  static constexpr int kMaxTerms = 256;   // comparisons in one expression

  core::Result<OktaExprPtr> Parse() {
    auto e = Or();
    if (!e) return core::MakeError(core::ErrorCode::kInvalidFilter, err_);
    SkipSpace();
    if (pos_ != s_.size()) {
      return core::MakeError(core::ErrorCode::kInvalidFilter, "unexpected text at " + std::to_string(pos_));
    }
    return e;
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  static bool WordChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':' || c == '+';
  }
  std::string Word() {
    SkipSpace();
    size_t b = pos_;
    while (pos_ < s_.size() && WordChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(b, pos_ - b));
  }
  bool Keyword(const char* kw) {
    size_t save = pos_;
    if (core::ToLower(Word()) == kw) return true;
    pos_ = save;
    return false;
  }
  OktaExprPtr Fail(std::string why) {
    if (err_.empty()) err_ = std::move(why);
    return nullptr;
  }
  static OktaExprPtr Join(OktaExpr::Kind k, OktaExprPtr l, OktaExprPtr r) {
    auto e = std::make_unique<OktaExpr>();
    e->kind = k;
    e->l = std::move(l);
    e->r = std::move(r);
    return e;
  }
  OktaExprPtr Or() {
    auto l = And();
    while (l && Keyword("or")) {
      auto r = And();
      if (!r) return nullptr;
      l = Join(OktaExpr::kOr, std::move(l), std::move(r));
    }
    return l;
  }
  OktaExprPtr And() {
    auto l = Factor();
    while (l && Keyword("and")) {
      auto r = Factor();
      if (!r) return nullptr;
      l = Join(OktaExpr::kAnd, std::move(l), std::move(r));
    }
    return l;
  }
  OktaExprPtr Factor() {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '(') {
      // Nesting and length are bounded so that neither this recursion nor
      // the evaluation and destruction of the tree can exhaust the stack.
      if (++depth_ > kMaxDepth) return Fail("expression nests deeper than " + std::to_string(kMaxDepth) + " levels");
      ++pos_;
      auto e = Or();
      if (!e) return nullptr;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Fail("missing ')'");
      ++pos_;
      --depth_;
      return e;
    }
    if (++terms_ > kMaxTerms) return Fail("expression has more than " + std::to_string(kMaxTerms) + " comparisons");
    return Comparison();
  }
  OktaExprPtr Comparison() {
    auto e = std::make_unique<OktaExpr>();
    e->attr = Word();
    if (e->attr.empty()) return Fail("expected an attribute at " + std::to_string(pos_));
    e->op = core::ToLower(Word());
    static const std::set<std::string> kOps{"eq", "ne", "sw", "co", "gt", "ge", "lt", "le", "pr"};
    if (!kOps.count(e->op)) return Fail("unknown operator '" + e->op + "' after " + e->attr);
    if (!check_(e->attr, e->op)) return Fail("unsupported: " + e->attr + " " + e->op);
    if (e->op == "pr") return e;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '"') {
      if (!QuotedString(&e->value)) return Fail("unterminated string");
    } else {
      e->value = Word();
      if (e->value.empty()) return Fail("expected a value after " + e->attr + " " + e->op);
    }
    return e;
  }
  // At the opening quote; reads up to the closing one. False: unterminated.
  bool QuotedString(std::string* out) {
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        *out += s_[pos_++];
      } else if (c == '"') {
        return true;
      } else {
        *out += c;
      }
    }
    return false;
  }

  std::string_view s_;
  const AttrCheck& check_;
  size_t pos_ = 0;
  std::string err_;
  int depth_ = 0;
  int terms_ = 0;
};

}  // namespace

core::Result<OktaExprPtr> ParseOktaExpression(std::string_view text, const AttrCheck& check) {
  return ExprParser(text, check).Parse();
}

core::Result<OktaExprPtr> ParseOptionalOktaExpression(std::string_view text, const AttrCheck& check) {
  if (text.find_first_not_of(" \t") == std::string_view::npos) return OktaExprPtr();
  return ParseOktaExpression(text, check);
}

bool EvaluateOktaExpression(const OktaExpr& e, const AttrLookup& get) {
  if (e.kind == OktaExpr::kAnd) return EvaluateOktaExpression(*e.l, get) && EvaluateOktaExpression(*e.r, get);
  if (e.kind == OktaExpr::kOr) return EvaluateOktaExpression(*e.l, get) || EvaluateOktaExpression(*e.r, get);
  auto v = get(e.attr);
  if (e.op == "pr") return v.has_value() && !v->empty();
  if (!v) return e.op == "ne";
  std::string a = core::ToLower(*v), b = core::ToLower(e.value);
  if (e.op == "eq") return a == b;
  if (e.op == "ne") return a != b;
  if (e.op == "sw") return a.rfind(b, 0) == 0;
  if (e.op == "co") return a.find(b) != std::string::npos;
  if (e.op == "gt") return a > b;
  if (e.op == "ge") return a >= b;
  if (e.op == "lt") return a < b;
  if (e.op == "le") return a <= b;
  return false;
}

bool UserSearchable(const std::string& attr, const std::string&) {
  static const std::set<std::string> kTop{"id", "status", "created", "activated", "statusChanged", "lastUpdated",
                                          "passwordChanged"};
  return kTop.count(attr) || (attr.rfind("profile.", 0) == 0 && attr.size() > 8);
}

bool UserFilterable(const std::string& attr, const std::string& op) {
  if (attr == "lastUpdated") return op == "eq" || op == "gt" || op == "ge" || op == "lt" || op == "le";
  static const std::set<std::string> kEq{"status", "id", "profile.login", "profile.email", "profile.firstName",
                                         "profile.lastName"};
  return kEq.count(attr) && op == "eq";
}

bool AppFilterable(const std::string& attr, const std::string& op) {
  return (attr == "status" || attr == "name" || attr == "id") && op == "eq";
}

}  // namespace okta

// The filter parser is a plain recursive-descent parser over the RFC 7644
// §3.4.2.2 ABNF, one method per rule:
//
//   filter   = or-expr
//   or-expr  = and-expr *( "or" and-expr )
//   and-expr = unary *( "and" unary )
//   unary    = "not" "(" filter ")" / "(" filter ")" / attrPath "[" valFilter "]" / attrExp
//   attrExp  = attrPath SP "pr" / attrPath SP compareOp SP compValue
//
// Positions in error details are 1-based character offsets into the text.
#include "scim_server/filter.h"

#include <cctype>
#include <cmath>
#include <string>
#include <utility>

#include "core/clock.h"

namespace scim {

namespace {

using core::Error;
using core::ErrorCode;
using core::Result;
using NodePtr = std::unique_ptr<FilterNode>;

// Each "(", "not" or "[" is one level; deeper filters are refused rather than
// risking the stack on hostile input.
constexpr int kMaxDepth = 64;
// A left-deep chain of and/or is evaluated recursively, so the number of
// comparisons is capped too (no real client comes close).
constexpr int kMaxTerms = 1000;

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// Characters that may appear in an attrPath as written, URN prefix included.
bool IsPathChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-' || c == '_' || c == ':' || c == '.' || c == '$'; }
// ATTRNAME = ALPHA *(nameChar); "$ref" is the one sub-attribute that breaks the rule.
bool IsValidAttrName(std::string_view name, bool allow_dollar) {
  if (name.empty()) return false;
  size_t i = 0;
  if (name[0] == '$') {
    if (!allow_dollar) return false;
    i = 1;
    if (name.size() == 1) return false;
  }
  if (!IsAlpha(name[i])) return false;
  for (; i < name.size(); ++i) {
    char c = name[i];
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

bool ParseOpName(std::string_view word, CompareOp* op) {
  static constexpr std::pair<const char*, CompareOp> kOps[] = {
      {"eq", CompareOp::kEq}, {"ne", CompareOp::kNe}, {"co", CompareOp::kCo}, {"sw", CompareOp::kSw},
      {"ew", CompareOp::kEw}, {"gt", CompareOp::kGt}, {"ge", CompareOp::kGe}, {"lt", CompareOp::kLt},
      {"le", CompareOp::kLe}, {"pr", CompareOp::kPr},
  };
  for (const auto& [name, value] : kOps) {
    if (core::EqualsCi(word, name)) {
      *op = value;
      return true;
    }
  }
  return false;
}

class Parser {
 public:
  Parser(std::string_view text, ErrorCode code) : text_(text), code_(code) {}

  Result<NodePtr> ParseWholeFilter() {
    SkipSpace();
    if (AtEnd()) return Fail("empty filter", std::nullopt);
    auto node = ParseOr(false);
    if (!node.ok()) return node;
    SkipSpace();
    if (!AtEnd()) {
      if (Peek() == ')') return Fail("unbalanced ')'", pos_);
      return Fail("unexpected " + Describe(pos_), pos_, "; expected 'and', 'or' or the end of the filter");
    }
    return node;
  }

  Result<PatchPath> ParseWholePatchPath() {
    SkipSpace();
    if (AtEnd()) return Fail("empty path", std::nullopt);
    auto path = ParseAttrPath();
    if (!path.ok()) return path.error();
    PatchPath out;
    out.attr = std::move(*path);
    if (!AtEnd() && Peek() == '[') {
      if (!out.attr.sub.empty()) {
        return Fail("a value filter '[' must follow an attribute without a sub-attribute", pos_);
      }
      auto inner = ParseBracket();
      if (!inner.ok()) return inner.error();
      out.filter = std::move(*inner);
      if (!AtEnd() && Peek() == '.') {
        ++pos_;
        size_t sub_start = pos_;
        while (!AtEnd() && IsPathChar(Peek()) && Peek() != '.' && Peek() != ':') ++pos_;
        std::string_view sub = text_.substr(sub_start, pos_ - sub_start);
        if (!IsValidAttrName(sub, true)) {
          return Fail("expected a sub-attribute name after ']'.", sub_start);
        }
        out.sub_after_filter = std::string(sub);
      }
    }
    SkipSpace();
    if (!AtEnd()) return Fail("unexpected " + Describe(pos_) + " after the path", pos_);
    return out;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  // "<what> at position <n><hint>"
  Error Fail(const std::string& what, std::optional<size_t> at, const std::string& hint = "") const {
    std::string detail = what;
    if (at) detail += " at position " + std::to_string(*at + 1);
    return Error{code_, detail + hint};
  }

  // "'word'" for the token starting at `at`, or "end of filter".
  std::string Describe(size_t at) const {
    if (at >= text_.size()) return "end of filter";
    size_t end = at;
    if (IsPathChar(text_[at]) || text_[at] == '"') {
      while (end < text_.size() && !IsSpace(text_[end]) && end - at < 32) ++end;
    } else {
      end = at + 1;
    }
    return "'" + std::string(text_.substr(at, end - at)) + "'";
  }

  // Matches a case-insensitive keyword that is followed by a space or "(".
  bool MatchKeyword(std::string_view word) {
    if (text_.size() - pos_ < word.size()) return false;
    if (!core::EqualsCi(text_.substr(pos_, word.size()), word)) return false;
    size_t after = pos_ + word.size();
    if (after < text_.size() && !IsSpace(text_[after]) && text_[after] != '(') return false;
    pos_ = after;
    return true;
  }

  Result<NodePtr> ParseOr(bool in_value_path) {
    auto left = ParseAnd(in_value_path);
    if (!left.ok()) return left;
    NodePtr node = std::move(*left);
    for (;;) {
      size_t save = pos_;
      SkipSpace();
      if (!MatchKeyword("or")) {
        pos_ = save;
        return node;
      }
      auto right = ParseAnd(in_value_path);
      if (!right.ok()) return right;
      auto parent = std::make_unique<FilterNode>();
      parent->kind = FilterNode::Kind::kOr;
      parent->left = std::move(node);
      parent->right = std::move(*right);
      node = std::move(parent);
    }
  }

  Result<NodePtr> ParseAnd(bool in_value_path) {
    auto left = ParseUnary(in_value_path);
    if (!left.ok()) return left;
    NodePtr node = std::move(*left);
    for (;;) {
      size_t save = pos_;
      SkipSpace();
      if (!MatchKeyword("and")) {
        pos_ = save;
        return node;
      }
      auto right = ParseUnary(in_value_path);
      if (!right.ok()) return right;
      auto parent = std::make_unique<FilterNode>();
      parent->kind = FilterNode::Kind::kAnd;
      parent->left = std::move(node);
      parent->right = std::move(*right);
      node = std::move(parent);
    }
  }

  // "(" filter ")", with pos_ on the "(".
  Result<NodePtr> ParseGroup(bool in_value_path) {
    size_t open = pos_;
    if (++depth_ > kMaxDepth) return Fail("filter nests deeper than " + std::to_string(kMaxDepth) + " levels", pos_);
    ++pos_;
    auto inner = ParseOr(in_value_path);
    if (!inner.ok()) return inner;
    SkipSpace();
    if (AtEnd() || Peek() != ')') {
      return Fail("expected ')' to close the '(' at position " + std::to_string(open + 1) + ", found " +
                      Describe(pos_),
                  pos_);
    }
    ++pos_;
    --depth_;
    return inner;
  }

  Result<NodePtr> ParseUnary(bool in_value_path) {
    SkipSpace();
    if (AtEnd()) return Fail("expected an attribute name, '(' or 'not' but found the end of the filter", pos_);
    if (Peek() == '(') return ParseGroup(in_value_path);
    size_t start = pos_;
    if (MatchKeyword("not")) {
      SkipSpace();
      if (AtEnd() || Peek() != '(') return Fail("expected '(' after 'not', found " + Describe(pos_), pos_);
      auto inner = ParseGroup(in_value_path);  // "not (" is one level
      if (!inner.ok()) return inner;
      auto node = std::make_unique<FilterNode>();
      node->kind = FilterNode::Kind::kNot;
      node->left = std::move(*inner);
      return node;
    }
    if (!IsPathChar(Peek())) {
      return Fail("expected an attribute name, '(' or 'not', found " + Describe(pos_), pos_);
    }
    auto path = ParseAttrPath();
    if (!path.ok()) return path.error();
    std::string written(text_.substr(start, pos_ - start));

    if (!AtEnd() && Peek() == '[') {
      if (in_value_path) return Fail("a value filter cannot contain another '['", pos_);
      if (!path->sub.empty()) {
        return Fail("a value filter '[' must follow an attribute without a sub-attribute, not '" + written + "'",
                    pos_);
      }
      auto inner = ParseBracket();
      if (!inner.ok()) return inner;
      if (!AtEnd() && Peek() == '.') {
        return Fail("'.' after ']' is only allowed in PATCH paths, not in filters", pos_);
      }
      auto node = std::make_unique<FilterNode>();
      node->kind = FilterNode::Kind::kValuePath;
      node->path = std::move(*path);
      node->left = std::move(*inner);
      return node;
    }
    return ParseComparison(std::move(*path), written);
  }

  // "[" valFilter "]" with pos_ on the "[".
  Result<NodePtr> ParseBracket() {
    size_t open = pos_;
    if (++depth_ > kMaxDepth) return Fail("filter nests deeper than " + std::to_string(kMaxDepth) + " levels", pos_);
    ++pos_;
    auto inner = ParseOr(true);
    if (!inner.ok()) return inner;
    SkipSpace();
    if (AtEnd() || Peek() != ']') {
      return Fail("expected ']' to close the '[' at position " + std::to_string(open + 1) + ", found " +
                      Describe(pos_),
                  pos_);
    }
    ++pos_;
    --depth_;
    return inner;
  }

  // attrPath = [URI ":"] ATTRNAME *1subAttr, split like SchemaRegistry::SplitPath:
  // the URN is everything before the last ':'.
  Result<AttrPath> ParseAttrPath() {
    size_t start = pos_;
    while (!AtEnd() && IsPathChar(Peek())) ++pos_;
    std::string_view raw = text_.substr(start, pos_ - start);
    if (raw.empty()) return Fail("expected an attribute name, found " + Describe(start), start);
    AttrPath path;
    std::string_view rest = raw;
    size_t colon = raw.rfind(':');
    if (colon != std::string_view::npos) {
      path.urn = std::string(raw.substr(0, colon));
      rest = raw.substr(colon + 1);
      if (path.urn.size() < 4 || !core::EqualsCi(std::string_view(path.urn).substr(0, 4), "urn:")) {
        return Fail("invalid attribute name '" + std::string(raw) + "' (a ':' is only allowed in a URN prefix)",
                    start);
      }
    }
    size_t dot = rest.find('.');
    std::string_view attr = rest.substr(0, dot);
    std::string_view sub = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    if (!IsValidAttrName(attr, false) ||
        (dot != std::string_view::npos && !IsValidAttrName(sub, true))) {
      return Fail("invalid attribute name '" + std::string(raw) + "'", start);
    }
    path.attr = std::string(attr);
    path.sub = std::string(sub);
    return path;
  }

  Result<NodePtr> ParseComparison(AttrPath path, const std::string& written) {
    if (++terms_ > kMaxTerms) {
      return Fail("filter has more than " + std::to_string(kMaxTerms) + " comparisons", pos_);
    }
    size_t before_space = pos_;
    SkipSpace();
    if (AtEnd() || pos_ == before_space) {
      return Fail("expected an operator after '" + written + "'", before_space);
    }
    size_t op_start = pos_;
    while (!AtEnd() && IsAlpha(Peek())) ++pos_;
    std::string_view word = text_.substr(op_start, pos_ - op_start);
    if (word.empty()) return Fail("expected an operator after '" + written + "', found " + Describe(op_start), op_start);
    auto node = std::make_unique<FilterNode>();
    node->kind = FilterNode::Kind::kCompare;
    node->path = std::move(path);
    if (!ParseOpName(word, &node->op)) {
      return Fail("unknown operator '" + std::string(word) + "'", op_start,
                  " (expected eq, ne, co, sw, ew, gt, ge, lt, le or pr)");
    }
    if (node->op == CompareOp::kPr) return node;
    SkipSpace();
    auto value = ParseValue(word);
    if (!value.ok()) return value.error();
    node->value = std::move(*value);
    return node;
  }

  // compValue = false / null / true / number / string
  Result<Json> ParseValue(std::string_view op_word) {
    std::string after = "after '" + std::string(op_word) + "'";
    if (AtEnd()) return Fail("expected a value " + after + " but found the end of the filter", pos_);
    size_t start = pos_;
    char c = Peek();
    if (c == '"') {
      size_t i = pos_ + 1;
      bool closed = false;
      while (i < text_.size()) {
        if (text_[i] == '\\') {
          i += 2;
          continue;
        }
        if (text_[i] == '"') {
          closed = true;
          break;
        }
        ++i;
      }
      if (!closed) return Fail("unterminated string starting", start);
      pos_ = i + 1;
      try {
        return Json::parse(text_.substr(start, pos_ - start));
      } catch (const Json::exception&) {
        return Fail("invalid string (bad escape or control character) starting", start);
      }
    }
    if (c == '-' || IsDigit(c)) {
      size_t i = pos_;
      if (text_[i] == '-') ++i;
      size_t digits = i;
      while (i < text_.size() && IsDigit(text_[i])) ++i;
      bool ok = i > digits;
      if (ok && i < text_.size() && text_[i] == '.') {
        size_t frac = ++i;
        while (i < text_.size() && IsDigit(text_[i])) ++i;
        ok = i > frac;
      }
      if (ok && i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
        ++i;
        if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
        size_t exp = i;
        while (i < text_.size() && IsDigit(text_[i])) ++i;
        ok = i > exp;
      }
      pos_ = i;
      if (ok) {
        try {
          Json number = Json::parse(text_.substr(start, i - start));
          if (number.is_number()) return number;
        } catch (const Json::exception&) {
        }
      }
      return Fail("invalid number '" + std::string(text_.substr(start, i - start)) + "'", start);
    }
    if (IsAlpha(c)) {
      size_t i = pos_;
      while (i < text_.size() && IsAlpha(text_[i])) ++i;
      std::string_view word = text_.substr(start, i - start);
      if (core::EqualsCi(word, "true") || core::EqualsCi(word, "false") || core::EqualsCi(word, "null")) {
        pos_ = i;
        if (core::EqualsCi(word, "null")) return Json(nullptr);
        return Json(core::EqualsCi(word, "true"));
      }
    }
    return Fail("expected a value (string, number, true, false or null) " + after + ", found " + Describe(start),
                start);
  }

  std::string_view text_;
  ErrorCode code_;
  size_t pos_ = 0;
  int depth_ = 0;
  int terms_ = 0;
};

}  // namespace

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "eq";
    case CompareOp::kNe: return "ne";
    case CompareOp::kCo: return "co";
    case CompareOp::kSw: return "sw";
    case CompareOp::kEw: return "ew";
    case CompareOp::kGt: return "gt";
    case CompareOp::kGe: return "ge";
    case CompareOp::kLt: return "lt";
    case CompareOp::kLe: return "le";
    case CompareOp::kPr: return "pr";
  }
  return "?";
}

core::Result<std::unique_ptr<FilterNode>> ParseFilter(std::string_view text) {
  return Parser(text, ErrorCode::kInvalidFilter).ParseWholeFilter();
}

core::Result<PatchPath> ParsePatchPath(std::string_view text) {
  return Parser(text, ErrorCode::kInvalidPath).ParseWholePatchPath();
}

}  // namespace scim

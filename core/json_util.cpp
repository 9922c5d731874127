#include "core/json_util.h"

#include <cctype>

namespace core {

namespace {
struct TooDeep {};
}  // namespace

Result<Json> ParseJson(std::string_view text, int max_depth) {
  try {
    Json j = Json::parse(text.begin(), text.end(),
                         [max_depth](int depth, Json::parse_event_t, Json&) {
                           if (depth > max_depth) throw TooDeep{};
                           return true;
                         });
    return j;
  } catch (const TooDeep&) {
    return Error{ErrorCode::kInvalidSyntax,
                 "JSON nesting is deeper than " + std::to_string(max_depth) + " levels"};
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." → keep the useful part
    auto p = what.find("] ");
    return Error{ErrorCode::kInvalidSyntax,
                 "malformed JSON: " + (p == std::string::npos ? what : what.substr(p + 2))};
  } catch (const Json::out_of_range& e) {
    // A number beyond a double (1e400): bad input, not a server fault.
    std::string what = e.what();
    auto p = what.find("] ");
    return Error{ErrorCode::kInvalidSyntax,
                 "malformed JSON: " + (p == std::string::npos ? what : what.substr(p + 2))};
  }
}

std::string DumpCompact(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool EqualsCi(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const Json* FindKeyCi(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (EqualsCi(it.key(), key)) return &it.value();
  }
  return nullptr;
}

Json* FindKeyCi(Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (EqualsCi(it.key(), key)) return &it.value();
  }
  return nullptr;
}

std::string KeyCi(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (EqualsCi(it.key(), key)) return it.key();
  }
  return "";
}

size_t Utf8SequenceAt(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

}  // namespace core

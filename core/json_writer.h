// JsonWriter: JSON text written straight into a string, for documents
// written at a high rate (the mock's traffic records and System Log events)
// where building a nlohmann tree only to dump it costs more than the rest of
// the work. The text is what DumpCompact gives for the same document: keys in
// the order written, no whitespace, strings escaped alike (valid UTF-8 is
// copied as is; an invalid byte becomes U+FFFD, so the text always parses).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace core {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // The next member's name (inside an object).
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A value already serialized as JSON (e.g. by DumpCompact).
  JsonWriter& Raw(std::string_view json);
  // Shorthands for a member: Key(name) then the value.
  JsonWriter& Member(std::string_view name, std::string_view s) { return Key(name).String(s); }
  JsonWriter& Member(std::string_view name, const char* s) { return Key(name).String(s); }
  JsonWriter& Member(std::string_view name, int64_t v) { return Key(name).Int(v); }

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate();  // the comma before a value, unless first or after a key
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// Appends `s` to `out` as a JSON string (quotes included).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace core

#include "core/secret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "core/json_util.h"

namespace core {

std::string RandomToken(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string b64 = Base64Encode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
  std::string out;
  for (char c : b64) {
    if (c == '+') out += '-';
    else if (c == '/') out += '_';
    else if (c != '=') out += c;
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Compare against a same-length buffer either way so timing does not reveal the prefix.
  std::string padded(a.size(), '\0');
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) padded[i] = b[i];
  bool same = CRYPTO_memcmp(a.data(), padded.data(), a.size()) == 0;
  return same && a.size() == b.size();
}

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Base64Decode(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  std::string buf(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  buf.resize(static_cast<size_t>(n) - pad);
  *out = std::move(buf);
  return true;
}

}  // namespace core

namespace core {

std::string RedactHeaderValue(std::string_view name, const std::string& value) {
  if (!EqualsCi(name, "Authorization") && !EqualsCi(name, "Proxy-Authorization")) return value;
  size_t space = value.find(' ');
  if (space == std::string::npos || space == 0) return "***";
  return value.substr(0, space) + " ***";
}

namespace {
void MaskPasswords(Json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "password" && it.value().is_string()) {
        it.value() = "***";
      } else {
        MaskPasswords(it.value());
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) MaskPasswords(e);
  }
}
}  // namespace

std::string RedactPasswords(const std::string& body) {
  if (body.find("\"password\"") == std::string::npos) return body;
  auto j = Json::parse(body, nullptr, false);
  if (j.is_discarded()) return body;
  MaskPasswords(j);
  return DumpCompact(j);
}

}  // namespace core

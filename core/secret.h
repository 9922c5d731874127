// Secrets: random tokens from OpenSSL's CSPRNG and constant-time comparison.
#pragma once

#include <string>
#include <string_view>

namespace core {

// `bytes` random bytes as URL-safe base64 without padding.
std::string RandomToken(size_t bytes = 32);
// Compares in time that depends only on the lengths, not on where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
std::string Base64Encode(std::string_view data);
// A header value as records and reports show it: Authorization and
// Proxy-Authorization keep only their scheme ("Bearer ***", "Basic ***", a
// value without a scheme → "***"); other headers are unchanged.
std::string RedactHeaderValue(std::string_view name, const std::string& value);
// A JSON body as records show it: the value of every "password" member, at
// any depth, becomes "***". Text that is not JSON, or has no "password", is
// returned as is.
std::string RedactPasswords(const std::string& body);
// Standard alphabet; returns false on bad input.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace core

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
// Standard alphabet; returns false on bad input.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace core

// The SAML AuthnRequest reader's untrusted-input layers
// (mock_okta/signon/saml_xml.cpp), as the SSO URL applies them
// (saml_idp.cpp DecodeMessage, ReadRequest): base64 with line breaks
// (HTTP-POST), raw DEFLATE with a size cap (HTTP-Redirect), and the XML
// parser that refuses DOCTYPEs and never loads entities. The input is tried
// as XML, as DEFLATE data and as base64 of either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mock_okta/signon/saml_xml.h"

namespace {

namespace saml = okta::signon::saml;

void ReadXml(std::string_view xml) {
  auto root = saml::ParseUntrusted(xml);
  if (!root.ok()) return;
  (void)root->Child("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer");
}

void ReadDeflated(std::string_view data) {
  auto inflated = saml::Inflate(data, saml::kMaxXmlBytes);
  if (!inflated.ok()) return;
  if (inflated->size() > saml::kMaxXmlBytes) std::abort();  // the cap held
  ReadXml(*inflated);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ReadXml(text);
  ReadDeflated(text);
  std::string decoded;
  if (text.size() <= saml::kMaxEncodedBytes && saml::DecodeBase64Lenient(text, &decoded)) {
    ReadXml(decoded);
    ReadDeflated(decoded);
  }
  return 0;
}

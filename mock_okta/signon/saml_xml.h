// XML for SAML: parsing untrusted input safely, inflating HTTP-Redirect
// messages, and enveloped XML signatures — all on libxml2 and xmlsec1's
// OpenSSL engine (no hand-written canonicalisation or signing). libxml2 and
// xmlsec types stay inside saml_xml.cpp; callers pass text.
//
// Untrusted XML (AuthnRequests) is parsed with XXE impossible: a document
// with a DOCTYPE is refused before libxml2 sees it, entities are never
// substituted, DTDs never loaded, the network never used (XML_PARSE_NONET,
// plus an external entity loader that refuses everything), and sizes are
// capped. Thread-safe: the libraries are initialised once (std::call_once)
// and each call works on its own document.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace okta::signon::saml {

inline constexpr size_t kMaxXmlBytes = 64 * 1024;      // an AuthnRequest, once decoded and inflated
inline constexpr size_t kMaxEncodedBytes = 96 * 1024;  // SAMLRequest as sent (base64)

// Initialises libxml2 and xmlsec1 (OpenSSL) once; every function here calls it.
void InitXml();

// raw DEFLATE (RFC 1951, the SAML HTTP-Redirect binding) → bytes. Errors:
// kInvalidValue (not deflate data, trailing garbage) and kInvalidValue
// "too large" when the output would exceed `max_out` (a deflate bomb stops
// there, never allocating more).
core::Result<std::string> Inflate(std::string_view data, size_t max_out = kMaxXmlBytes);
// raw DEFLATE of `data` (for tests and SP-side tooling).
std::string Deflate(std::string_view data);

// Base64 with whitespace (line breaks of the POST binding) ignored.
bool DecodeBase64Lenient(std::string_view text, std::string* out);

// XML-escapes text for an element or a double-quoted attribute.
std::string XmlEscape(std::string_view s);

// An element of a parsed document as the AuthnRequest reader needs it.
struct XmlElement {
  std::string ns, name;                      // namespace URI and local name
  std::map<std::string, std::string> attrs;  // attributes without a namespace, by local name
  std::string text;                          // concatenated text content
  std::vector<XmlElement> children;          // element children only
  const XmlElement* Child(const std::string& ns_uri, const std::string& local) const;
};

// Parses untrusted XML into a small tree. Errors: kInvalidValue with a short
// reason ("too large", "DOCTYPE is not allowed", "not well-formed XML").
core::Result<XmlElement> ParseUntrusted(std::string_view xml, size_t max_bytes = kMaxXmlBytes);

// A private key (PKCS#8 PEM) and its X.509 certificate (PEM), as xmlsec loads them.
class XmlSigningKey {
 public:
  // Errors: kInvalidValue (PEM not loadable).
  static core::Result<std::shared_ptr<const XmlSigningKey>> Load(const std::string& key_pem,
                                                                 const std::string& cert_pem);
  ~XmlSigningKey();
  XmlSigningKey(const XmlSigningKey&) = delete;
  XmlSigningKey& operator=(const XmlSigningKey&) = delete;
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit XmlSigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses our own XML `xml`, signs the elements whose ID attribute values are
// `ids` (in that order: sign the inner one first) with enveloped signatures
// (exclusive C14N, RSA-SHA256, SHA-256 digest, Reference URI="#id", the
// certificate in KeyInfo) placed right after each element's first child (the
// SAML Issuer), and serialises the result. Errors: kInternal.
core::Result<std::string> SignXml(const std::string& xml, const std::vector<std::string>& ids,
                                  const XmlSigningKey& key);

// Signed AuthnRequests (an SP certificate, base64 DER, as Okta's spCertificate.x5c holds it).
// True when `cert_b64` is a readable X.509 certificate.
bool ValidCertificate(const std::string& cert_b64);
// HTTP-Redirect binding: `signature_b64` (the Signature parameter, decoded)
// over `signed_octets` ("SAMLRequest=…[&RelayState=…]&SigAlg=…" with the
// values exactly as they appear in the URL), RSA-SHA256 only. Errors: kUnauthorized.
core::Status VerifyRedirectSignature(const std::string& signed_octets, const std::string& signature_b64,
                                     const std::string& sig_alg, const std::string& cert_b64);
// HTTP-POST binding: the enveloped signature of the document's root element
// (a ds:Signature child of the root whose single Reference is "#<root ID>";
// exclusive C14N, enveloped transform, RSA-SHA256, SHA-256 only; same-document
// references only). Errors: kUnauthorized.
core::Status VerifyRootSignature(const std::string& xml, const std::string& cert_b64);

// For tests and diagnostics: every ds:Signature in `xml` with the local
// name of the element it sits in, its Reference URI, its algorithms, and
// whether it verifies with `cert_pem`'s public key.
struct SignatureInfo {
  std::string parent, reference_uri, parent_id, c14n, signature_method, digest_method;
  std::vector<std::string> transforms;
  bool valid = false;
};
core::Result<std::vector<SignatureInfo>> CheckSignatures(const std::string& xml, const std::string& cert_pem);

// For tests: the string values an XPath 1.0 expression selects in `xml`
// (prefixes saml2, saml2p, ds, md, xs, xsi are bound). Errors: kInvalidValue.
core::Result<std::vector<std::string>> XPathValues(const std::string& xml, const std::string& xpath);

}  // namespace okta::signon::saml

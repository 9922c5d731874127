// libxml2 + xmlsec1 (OpenSSL engine) behind saml_xml.h. Every libxml2 /
// xmlsec object is owned by a unique_ptr with its free function.
#include "mock_okta/signon/saml_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <xmlsec/base64.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <zlib.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "core/json_util.h"
#include "core/secret.h"

namespace okta::signon::saml {

namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;
struct DsigFree {
  void operator()(xmlSecDSigCtx* c) const { xmlSecDSigCtxDestroy(c); }
};
using DsigPtr = std::unique_ptr<xmlSecDSigCtx, DsigFree>;
struct KeyFree {
  void operator()(xmlSecKey* k) const { xmlSecKeyDestroy(k); }
};
using KeyPtr = std::unique_ptr<xmlSecKey, KeyFree>;
struct XPathCtxFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct XPathObjFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};

constexpr const char* kDsigNs = "http://www.w3.org/2000/09/xmldsig#";

core::Error InvalidXml(const std::string& why) { return core::MakeError(core::ErrorCode::kInvalidValue, why); }
core::Error Internal(const std::string& why) { return core::MakeError(core::ErrorCode::kInternal, why); }

// External entities, DTDs, XInclude: never loaded, whatever asks.
xmlParserInputPtr RefuseEntity(const char*, const char*, xmlParserCtxtPtr) { return nullptr; }

// xmlsec reports failures through this; the caller turns the failure into an
// Error, so the details go to the debug log only.
void XmlSecErrorSink(const char* file, int line, const char* func, const char* object, const char* subject, int reason,
                     const char* msg) {
  spdlog::debug("xmlsec: {}:{} {} {} {} reason={} {}", file ? file : "", line, func ? func : "", object ? object : "",
                subject ? subject : "", reason, msg ? msg : "");
}

void Init() {
  xmlInitParser();
  if (xmlSecInit() < 0) throw std::runtime_error("xmlsec initialisation failed");
  if (xmlSecCheckVersion() != 1) throw std::runtime_error("xmlsec library version mismatch");
  if (xmlSecCryptoAppInit(nullptr) < 0) throw std::runtime_error("xmlsec crypto (OpenSSL) initialisation failed");
  if (xmlSecCryptoInit() < 0) throw std::runtime_error("xmlsec crypto (OpenSSL) initialisation failed");
  xmlSecErrorsSetCallback(XmlSecErrorSink);
  // One-line base64 (certificate, signature value), as Okta writes them (0 is not accepted).
  xmlSecBase64SetDefaultLineSize(1 << 20);
  xmlSetExternalEntityLoader(RefuseEntity);
}

// Parser options for every document: no network, no entity substitution
// (XML_PARSE_NOENT is never set), no DTD loading or validation, quiet.
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

bool HasDoctype(std::string_view xml) {
  // "<!DOCTYPE" in any case, anywhere: refused before parsing.
  for (size_t i = xml.find("<!"); i != std::string_view::npos; i = xml.find("<!", i + 2)) {
    if (core::EqualsCi(xml.substr(i + 2, 7), "DOCTYPE")) return true;
  }
  return false;
}

core::Result<DocPtr> ParseDoc(std::string_view xml, size_t max_bytes) {
  InitXml();
  if (xml.size() > max_bytes) return InvalidXml("too large");
  if (HasDoctype(xml)) return InvalidXml("DOCTYPE is not allowed");
  DocPtr doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "noname.xml", nullptr, kParseOptions));
  if (!doc || !xmlDocGetRootElement(doc.get())) return InvalidXml("not well-formed XML");
  if (doc->intSubset || doc->extSubset) return InvalidXml("DOCTYPE is not allowed");
  return doc;
}

std::string Str(const xmlChar* s) { return s ? std::string(reinterpret_cast<const char*>(s)) : std::string(); }

void Convert(xmlNode* n, XmlElement* out, int depth) {
  out->ns = n->ns ? Str(n->ns->href) : "";
  out->name = Str(n->name);
  for (xmlAttr* a = n->properties; a; a = a->next) {
    if (a->ns) continue;
    xmlChar* v = xmlNodeListGetString(n->doc, a->children, 1);
    out->attrs[Str(a->name)] = Str(v);
    xmlFree(v);
  }
  for (xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      if (depth < 32) {
        out->children.emplace_back();
        Convert(c, &out->children.back(), depth + 1);
      }
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      out->text += Str(c->content);
    }
  }
}

// Registers every attribute named ID as an XML ID, so xmlsec resolves "#id".
void RegisterIds(xmlDoc* doc, xmlNode* n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (xmlAttr* a = xmlHasProp(n, BAD_CAST "ID")) {
      xmlChar* v = xmlNodeListGetString(doc, a->children, 1);
      if (v && !xmlGetID(doc, v)) xmlAddID(nullptr, doc, v, a);
      xmlFree(v);
    }
    RegisterIds(doc, n->children);
  }
}

xmlNode* FindById(xmlNode* n, const std::string& id) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    xmlChar* v = xmlGetProp(n, BAD_CAST "ID");
    bool match = v && id == reinterpret_cast<const char*>(v);
    xmlFree(v);
    if (match) return n;
    if (xmlNode* f = FindById(n->children, id)) return f;
  }
  return nullptr;
}

xmlNode* FirstElement(xmlNode* n) {
  for (; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE) return n;
  }
  return nullptr;
}

std::string Serialize(xmlDoc* doc) {
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
  std::string out(reinterpret_cast<const char*>(mem), static_cast<size_t>(size));
  xmlFree(mem);
  return out;
}

std::string AttrOf(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, BAD_CAST name);
  std::string s = Str(v);
  xmlFree(v);
  return s;
}

void CollectSignatures(xmlNode* n, std::vector<xmlNode*>* out) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (xmlSecCheckNodeName(n, xmlSecNodeSignature, xmlSecDSigNs)) out->push_back(n);
    CollectSignatures(n->children, out);
  }
}

}  // namespace

void InitXml() {
  static std::once_flag once;
  std::call_once(once, Init);
}

const XmlElement* XmlElement::Child(const std::string& ns_uri, const std::string& local) const {
  for (const auto& c : children) {
    if (c.ns == ns_uri && c.name == local) return &c;
  }
  return nullptr;
}

core::Result<std::string> Inflate(std::string_view data, size_t max_out) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return Internal("zlib inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return InvalidXml("not DEFLATE data");
    }
    size_t got = sizeof buf - zs.avail_out;
    if (out.size() + got > max_out) {
      inflateEnd(&zs);
      return InvalidXml("too large");
    }
    out.append(buf, got);
    if (rc == Z_OK && got == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return InvalidXml("truncated DEFLATE data");
    }
  }
  bool trailing = zs.avail_in != 0;
  inflateEnd(&zs);
  if (trailing) return InvalidXml("data after the DEFLATE stream");
  return out;
}

std::string Deflate(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

bool DecodeBase64Lenient(std::string_view text, std::string* out) {
  std::string s;
  s.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\r' || c == '\n' || c == '\t') continue;
    s += c;
  }
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return false;
  }
  return core::Base64Decode(s, out);
}

std::string XmlEscape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      case '\r': o += "&#13;"; break;
      default: o += c;
    }
  }
  return o;
}

core::Result<XmlElement> ParseUntrusted(std::string_view xml, size_t max_bytes) {
  auto doc = ParseDoc(xml, max_bytes);
  if (!doc.ok()) return doc.error();
  XmlElement root;
  Convert(xmlDocGetRootElement(doc->get()), &root, 0);
  return root;
}

// ---- signing ----

struct XmlSigningKey::Impl {
  KeyPtr key;
};

XmlSigningKey::XmlSigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XmlSigningKey::~XmlSigningKey() = default;

core::Result<std::shared_ptr<const XmlSigningKey>> XmlSigningKey::Load(const std::string& key_pem,
                                                                       const std::string& cert_pem) {
  InitXml();
  KeyPtr key(xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(key_pem.data()),
                                          static_cast<xmlSecSize>(key_pem.size()), xmlSecKeyDataFormatPem, nullptr,
                                          nullptr, nullptr));
  if (!key) return InvalidXml("the private key could not be loaded");
  if (xmlSecCryptoAppKeyCertLoadMemory(key.get(), reinterpret_cast<const xmlSecByte*>(cert_pem.data()),
                                       static_cast<xmlSecSize>(cert_pem.size()), xmlSecKeyDataFormatPem) < 0) {
    return InvalidXml("the certificate could not be loaded");
  }
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(key);
  return std::shared_ptr<const XmlSigningKey>(new XmlSigningKey(std::move(impl)));
}

core::Result<std::string> SignXml(const std::string& xml, const std::vector<std::string>& ids,
                                  const XmlSigningKey& key) {
  auto doc = ParseDoc(xml, 16 * 1024 * 1024);
  if (!doc.ok()) return Internal("own XML did not parse: " + doc.error().detail);
  xmlDoc* d = doc->get();
  RegisterIds(d, xmlDocGetRootElement(d));
  for (const auto& id : ids) {
    xmlNode* node = FindById(xmlDocGetRootElement(d), id);
    if (!node) return Internal("no element with ID " + id);
    xmlNode* sig = xmlSecTmplSignatureCreateNsPref(d, xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, nullptr,
                                                   BAD_CAST "ds");
    if (!sig) return Internal("signature template");
    xmlNode* first = FirstElement(node->children);
    if (first) {
      xmlAddNextSibling(first, sig);
    } else {
      xmlAddChild(node, sig);
    }
    std::string uri = "#" + id;
    xmlNode* ref =
        xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, BAD_CAST uri.c_str(), nullptr);
    if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId)) {
      return Internal("signature reference template");
    }
    // As Okta: exclusive C14N keeping the "xs" prefix that xsi:type values name.
    xmlNode* c14n = xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId);
    if (!c14n || xmlSecTmplTransformAddC14NInclNamespaces(c14n, BAD_CAST "xs") < 0) {
      return Internal("signature transform template");
    }
    xmlNode* ki = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
    xmlNode* x509 = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : nullptr;
    if (!x509 || !xmlSecTmplX509DataAddCertificate(x509)) return Internal("KeyInfo template");
    DsigPtr ctx(xmlSecDSigCtxCreate(nullptr));
    if (!ctx) return Internal("xmlSecDSigCtxCreate");
    ctx->signKey = xmlSecKeyDuplicate(key.impl().key.get());
    if (!ctx->signKey) return Internal("xmlSecKeyDuplicate");
    if (xmlSecDSigCtxSign(ctx.get(), sig) < 0) return Internal("xmlsec signing failed");
  }
  return Serialize(d);
}

// ---- signed AuthnRequests ----

namespace {

constexpr const char* kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

core::Error BadSignature(const std::string& why) { return core::MakeError(core::ErrorCode::kUnauthorized, why); }

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::unique_ptr<X509, X509Free> ReadCertificate(const std::string& cert_b64, std::string* der) {
  if (!DecodeBase64Lenient(cert_b64, der) || der->empty()) return nullptr;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509, X509Free> x(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  ERR_clear_error();
  return x;
}

}  // namespace

bool ValidCertificate(const std::string& cert_b64) {
  std::string der;
  return ReadCertificate(cert_b64, &der) != nullptr;
}

core::Status VerifyRedirectSignature(const std::string& signed_octets, const std::string& signature_b64,
                                     const std::string& sig_alg, const std::string& cert_b64) {
  if (signature_b64.empty()) return BadSignature("the SAML request is not signed");
  if (sig_alg != kRsaSha256) return BadSignature("SigAlg must be " + std::string(kRsaSha256));
  std::string der, sig;
  auto cert = ReadCertificate(cert_b64, &der);
  if (!cert) return BadSignature("the app's SP certificate cannot be read");
  if (!DecodeBase64Lenient(signature_b64, &sig)) return BadSignature("the Signature is not base64");
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = pub && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pub) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signed_octets.data()), signed_octets.size()) == 1;
  ERR_clear_error();
  if (!ok) return BadSignature("the signature of the SAML request does not verify with the app's SP certificate");
  return core::Status::Ok();
}

core::Status VerifyRootSignature(const std::string& xml, const std::string& cert_b64) {
  auto doc = ParseDoc(xml, kMaxXmlBytes);
  if (!doc.ok()) return BadSignature(doc.error().detail);
  xmlDoc* d = doc->get();
  xmlNode* root = xmlDocGetRootElement(d);
  std::string id = AttrOf(root, "ID");
  xmlNode* sig = nullptr;
  int count = 0;
  for (xmlNode* c = root->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlSecCheckNodeName(c, xmlSecNodeSignature, xmlSecDSigNs)) {
      sig = c;
      ++count;
    }
  }
  if (count == 0) return BadSignature("the SAML request is not signed");
  if (count > 1 || id.empty()) return BadSignature("the SAML request's signature is not a single enveloped signature");
  xmlNode* si = xmlSecFindChild(sig, xmlSecNodeSignedInfo, xmlSecDSigNs);
  int refs = 0;
  std::string uri;
  for (xmlNode* c = si ? si->children : nullptr; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlSecCheckNodeName(c, xmlSecNodeReference, xmlSecDSigNs)) {
      ++refs;
      uri = AttrOf(c, "URI");
    }
  }
  if (refs != 1 || uri != "#" + id) return BadSignature("the SAML request's signature does not cover the request");
  // Only the root's ID resolves: a signed element elsewhere cannot stand in for it.
  if (xmlAttr* a = xmlHasProp(root, BAD_CAST "ID")) xmlAddID(nullptr, d, BAD_CAST id.c_str(), a);
  std::string der;
  if (!ReadCertificate(cert_b64, &der)) return BadSignature("the app's SP certificate cannot be read");
  KeyPtr key(xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(der.data()),
                                          static_cast<xmlSecSize>(der.size()), xmlSecKeyDataFormatCertDer, nullptr,
                                          nullptr, nullptr));
  if (!key) return BadSignature("the app's SP certificate cannot be read");
  DsigPtr ctx(xmlSecDSigCtxCreate(nullptr));
  if (!ctx) return Internal("xmlSecDSigCtxCreate");
  ctx->signKey = key.release();
  ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
  if (xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformExclC14NId) < 0 ||
      xmlSecDSigCtxEnableSignatureTransform(ctx.get(), xmlSecTransformRsaSha256Id) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformExclC14NId) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformEnvelopedId) < 0 ||
      xmlSecDSigCtxEnableReferenceTransform(ctx.get(), xmlSecTransformSha256Id) < 0) {
    return Internal("xmlsec transform lists");
  }
  if (xmlSecDSigCtxVerify(ctx.get(), sig) < 0 || ctx->status != xmlSecDSigStatusSucceeded) {
    return BadSignature("the signature of the SAML request does not verify with the app's SP certificate");
  }
  return core::Status::Ok();
}

core::Result<std::vector<SignatureInfo>> CheckSignatures(const std::string& xml, const std::string& cert_pem) {
  auto doc = ParseDoc(xml, 16 * 1024 * 1024);
  if (!doc.ok()) return doc.error();
  xmlDoc* d = doc->get();
  RegisterIds(d, xmlDocGetRootElement(d));
  KeyPtr key(xmlSecCryptoAppKeyLoadMemory(reinterpret_cast<const xmlSecByte*>(cert_pem.data()),
                                          static_cast<xmlSecSize>(cert_pem.size()), xmlSecKeyDataFormatCertPem, nullptr,
                                          nullptr, nullptr));
  if (!key) return InvalidXml("the certificate could not be loaded");
  std::vector<xmlNode*> sigs;
  CollectSignatures(xmlDocGetRootElement(d), &sigs);
  std::vector<SignatureInfo> out;
  for (xmlNode* sig : sigs) {
    SignatureInfo info;
    info.parent = sig->parent ? Str(sig->parent->name) : "";
    info.parent_id = sig->parent ? AttrOf(sig->parent, "ID") : "";
    xmlNode* si = xmlSecFindChild(sig, xmlSecNodeSignedInfo, xmlSecDSigNs);
    if (si) {
      if (xmlNode* c = xmlSecFindChild(si, xmlSecNodeCanonicalizationMethod, xmlSecDSigNs))
        info.c14n = AttrOf(c, "Algorithm");
      if (xmlNode* m = xmlSecFindChild(si, xmlSecNodeSignatureMethod, xmlSecDSigNs))
        info.signature_method = AttrOf(m, "Algorithm");
      if (xmlNode* r = xmlSecFindChild(si, xmlSecNodeReference, xmlSecDSigNs)) {
        info.reference_uri = AttrOf(r, "URI");
        if (xmlNode* dm = xmlSecFindChild(r, xmlSecNodeDigestMethod, xmlSecDSigNs))
          info.digest_method = AttrOf(dm, "Algorithm");
        if (xmlNode* ts = xmlSecFindChild(r, xmlSecNodeTransforms, xmlSecDSigNs)) {
          for (xmlNode* t = ts->children; t; t = t->next) {
            if (t->type == XML_ELEMENT_NODE) info.transforms.push_back(AttrOf(t, "Algorithm"));
          }
        }
      }
    }
    DsigPtr ctx(xmlSecDSigCtxCreate(nullptr));
    ctx->signKey = xmlSecKeyDuplicate(key.get());
    info.valid = xmlSecDSigCtxVerify(ctx.get(), sig) >= 0 && ctx->status == xmlSecDSigStatusSucceeded;
    out.push_back(info);
  }
  return out;
}

core::Result<std::vector<std::string>> XPathValues(const std::string& xml, const std::string& xpath) {
  auto doc = ParseDoc(xml, 16 * 1024 * 1024);
  if (!doc.ok()) return doc.error();
  std::unique_ptr<xmlXPathContext, XPathCtxFree> ctx(xmlXPathNewContext(doc->get()));
  const std::pair<const char*, const char*> ns[] = {{"saml2", "urn:oasis:names:tc:SAML:2.0:assertion"},
                                                    {"saml2p", "urn:oasis:names:tc:SAML:2.0:protocol"},
                                                    {"ds", kDsigNs},
                                                    {"md", "urn:oasis:names:tc:SAML:2.0:metadata"},
                                                    {"xs", "http://www.w3.org/2001/XMLSchema"},
                                                    {"xsi", "http://www.w3.org/2001/XMLSchema-instance"}};
  for (const auto& [p, u] : ns) xmlXPathRegisterNs(ctx.get(), BAD_CAST p, BAD_CAST u);
  std::unique_ptr<xmlXPathObject, XPathObjFree> obj(xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx.get()));
  if (!obj) return InvalidXml("bad XPath: " + xpath);
  std::vector<std::string> out;
  if (obj->type == XPATH_NODESET && obj->nodesetval) {
    for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
      xmlChar* v = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
      out.push_back(Str(v));
      xmlFree(v);
    }
  } else {
    xmlChar* v = xmlXPathCastToString(obj.get());
    out.push_back(Str(v));
    xmlFree(v);
  }
  return out;
}

}  // namespace okta::signon::saml

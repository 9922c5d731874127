#include "scenarios/service_client.h"

#include "core/http.h"

namespace scenarios {

std::string Reply::Describe() const {
  if (status == 0) return "no answer (" + error + ")";
  return std::to_string(status) + " " + (body.size() > 300 ? body.substr(0, 300) + "…" : body);
}

void ServiceClient::Open(const std::string& url, httplib::Headers headers) {
  auto u = core::ParseUrl(url);
  if (!u.ok()) throw StepFailed{"bad URL " + url + ": " + u.error().detail};
  client_ = core::MakeClient(u->Origin(), 5, 120);
  prefix_ = u->path;
  headers_ = std::move(headers);
}

Reply ServiceClient::Call(const std::string& method, const std::string& path, const Json& body) {
  return body.is_null() ? Send(method, path, "", "") : Send(method, path, core::DumpCompact(body), "application/json");
}

Reply ServiceClient::Send(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& content_type, const httplib::Headers& extra) {
  httplib::Request req;
  req.method = method;
  req.path = prefix_ + path;
  req.headers = headers_;
  for (const auto& h : extra) req.headers.insert(h);
  if (!content_type.empty()) {
    req.body = body;
    req.headers.emplace("Content-Type", content_type);
  }
  Reply r;
  auto res = client_->send(req);
  if (!res) {
    r.error = httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  r.body = res->body;
  r.headers = res->headers;
  if (!r.body.empty()) {
    auto j = core::ParseJson(r.body);
    if (j.ok()) r.json = std::move(*j);
  }
  return r;
}

Json ServiceClient::Must(const std::string& method, const std::string& path, const Json& body) {
  Reply r = Call(method, path, body);
  if (!r.ok()) throw StepFailed{method + " " + prefix_ + path + " -> " + r.Describe()};
  return r.json;
}

void ServiceClients::Open(const Endpoints& ep) {
  okta.Open(ep.okta_url, {{"Authorization", "SSWS " + ep.okta_token}, {"Accept", "application/json"}});
  sandbox.Open(ep.okta_url, {{"Accept", "application/json"}});
  scim.Open(ep.scim_base_url, {{"Authorization", "Bearer " + ep.scim_token}, {"Accept", "application/scim+json"}});
  if (!ep.scim_admin_url.empty()) admin.Open(ep.scim_admin_url, {});
  if (!ep.encryption_url.empty()) enc.Open(ep.encryption_url, {{"Authorization", "Bearer " + ep.encryption_secret}});
}

}  // namespace scenarios

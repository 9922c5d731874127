#include "mock_okta/mock_okta.h"

#include <httplib.h>

#include "core/http.h"
#include "core/log.h"
#include "core/secret.h"
#include "mock_okta/check_routes.h"
#include "mock_okta/engine.h"
#include "mock_okta/local_guard.h"
#include "mock_okta/okta_error.h"
#include "mock_okta/org.h"
#include "mock_okta/routes.h"
#include "mock_okta/scim_client.h"
#include "mock_okta/signon/saml_routes.h"
#include "mock_okta/signon/signon.h"
#include "mock_okta/signon/signon_routes.h"

namespace okta {

// The provisioning job journal in okta.db (documents of kind "job").
class StoreJournal final : public JobJournal {
 public:
  explicit StoreJournal(OktaStore& store) : store_(store) {}
  void Saved(const Job& job) override {
    store_.JournalJob(job.id, [job] { return nlohmann::json(job).dump(); });
  }
  void Done(const std::string& job_id) override { store_.JournalJob(job_id, nullptr); }

 private:
  OktaStore& store_;
};

struct MockOkta::Impl {
  Config config;
  core::SystemClock system_clock;
  std::unique_ptr<SandboxClock> clock;
  std::unique_ptr<OktaIds> ids;
  std::unique_ptr<OktaStore> store;
  std::unique_ptr<Org> org;
  HttpScimSender sender;
  std::unique_ptr<StoreJournal> journal;  // before the engine: outlives its workers
  std::unique_ptr<Engine> engine;
  std::unique_ptr<signon::AuthServers> auth_servers;
  std::unique_ptr<signon::SignOn> signon;
  std::unique_ptr<signon::SamlIdp> saml;
  httplib::Server server;
  std::unique_ptr<core::HttpListener> listener;
  std::string api_token;
  bool started = false;

  core::Status ApplyPreset();
};

namespace {
void SendOktaError(httplib::Response& res, const OktaError& e) {
  res.status = e.status;
  res.set_content(core::DumpCompact(e.body), "application/json");
}

core::ErrorReply Reply(const OktaError& e) {
  return core::ErrorReply{e.status, core::DumpCompact(e.body), "application/json"};
}

// SSWS auth for /api/v1, and Okta's error bodies for unrouted requests, wrong
// methods and handler exceptions.
void InstallOktaHandlers(httplib::Server& server, const std::string& token, const std::string& bind) {
  core::ErrorReply too_large{
      413,
      core::DumpCompact(core::Json{
          {"errorCode", "E0000001"},
          {"errorSummary", "Api validation failed: request body"},
          {"errorLink", "E0000001"},
          {"errorId", "oae-body-limit"},
          {"errorCauses",
           core::Json::array({core::Json{{"errorSummary", "the request body is larger than the limit of " +
                                                              std::to_string(core::HttpServerOptions{}.max_body_bytes) +
                                                              " bytes"}}})}}),
      "application/json"};
  server.set_pre_routing_handler(core::RefuseOversizedBodies(
      core::HttpServerOptions{}.max_body_bytes, too_large,
      [token, bind](const httplib::Request& req, httplib::Response& res) {
        if (auto refused = RefuseForeignRequest(req, bind, token)) {
          core::Error e = core::MakeError(core::ErrorCode::kInvalidValue, refused->second);
          OktaError oe = RenderOktaError(e, "oae" + core::NewRequestId());
          oe.status = refused->first;
          oe.body["errorCode"] = refused->first == 401 ? "E0000011" : "E0000006";
          oe.body["errorSummary"] = refused->first == 401 ? "Invalid token provided"
                                                          : "You do not have permission to perform the requested action";
          SendOktaError(res, oe);
          return httplib::Server::HandlerResponse::Handled;
        }
        if (req.path.rfind("/api/v1/", 0) != 0) return httplib::Server::HandlerResponse::Unhandled;
        // Primary authentication is public in Okta (the user's password is the credential).
        if (req.path == "/api/v1/authn") return httplib::Server::HandlerResponse::Unhandled;
        std::string auth = req.get_header_value("Authorization");
        if (auth.rfind("SSWS ", 0) != 0 || !core::ConstantTimeEquals(auth.substr(5), token)) {
          SendOktaError(
              res, RenderOktaError(core::MakeError(core::ErrorCode::kUnauthorized, ""), "oae" + core::NewRequestId()));
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  core::ServiceErrorRenderer r;
  r.log_name = "mock_okta";
  r.log_requests = false;
  r.render_status = [](int status, const httplib::Request& req) -> std::optional<core::ErrorReply> {
    if (status == 404) {
      return Reply(
          RenderOktaError(core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + req.path),
                          "oae" + core::NewRequestId()));
    }
    if (status == 405) return Reply(MethodNotAllowed("oae" + core::NewRequestId()));
    return std::nullopt;
  };
  r.render_exception = [](const httplib::Request&) {
    return Reply(RenderOktaError(core::MakeError(core::ErrorCode::kInternal, ""), "oae" + core::NewRequestId()));
  };
  core::InstallJsonHandlers(server, r);
}
}  // namespace

MockOkta::MockOkta(Config config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->api_token = impl_->config.api_token.empty() ? core::RandomToken(30) : impl_->config.api_token;
}

MockOkta::~MockOkta() { Stop(); }

core::Status MockOkta::Impl::ApplyPreset() {
  if (!config.preset || !store->ListApps(0, 1).empty()) return core::Status::Ok();
  if (!core::ParseUrl(config.preset->scim_base_url).ok()) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "preset SCIM base URL is not an http(s) URL");
  }
  App a;
  a.label = "NordPass Provisioning";
  // A name the App Integration Wizard never generates (it makes "<label>_1"):
  // the console marks the app with this name as the preset.
  a.name = "nordpassprovisioning_preset";
  a.sign_on_mode = "AUTO_LOGIN";
  a.settings = core::Json{{"app", core::Json{{"url", "https://app.nordpass.com/"}}}};
  auto created = org->CreateApp(a, true);
  if (!created.ok()) return created.error();
  Provisioning p;
  p.scim_enabled = true;
  p.enabled = true;
  p.base_url = config.preset->scim_base_url;
  p.auth_mode = "header_bearer";
  p.token = config.preset->scim_token;
  p.unique_field = "email";
  p.push_new_users = p.push_profile_updates = p.push_groups = true;
  p.import_users = p.import_groups = false;
  p.create_users = p.update_attributes = p.deactivate_users = true;
  p.sync_password = false;
  p.client_profile = "aiw_put";
  p.timeout_ms = static_cast<int>(config.scim_timeout.count());
  auto r = org->SetProvisioning(created->id, p);
  if (!r.ok()) return r.error();
  return core::Status::Ok();
}

core::Result<int> MockOkta::Start() {
  Impl& d = *impl_;
  if (d.started) return d.listener->port();
  const core::Clock& base = d.config.clock ? *d.config.clock : d.system_clock;
  d.clock = std::make_unique<SandboxClock>(base);
  d.ids = std::make_unique<OktaIds>(d.config.seed);
  auto store = OktaStore::Open(d.config.db_path);
  if (!store.ok()) return store.error();
  d.store = std::move(*store);
  d.store->SetRetention(d.config.max_log_events, d.config.max_traffic_records);
  d.store->SetMaxAge(d.config.max_record_age);
  d.org = std::make_unique<Org>(*d.store, *d.ids, *d.clock, d.config.scim_timeout);
  ScimSender& sender = d.config.scim_sender ? *d.config.scim_sender : d.sender;
  d.engine = std::make_unique<Engine>(*d.org, sender, *d.clock, d.config.provisioning_workers);
  d.org->set_job_sink(d.engine.get());
  // Jobs still queued when the sandbox last stopped run again, in their order.
  d.journal = std::make_unique<StoreJournal>(*d.store);
  int restored = 0;
  for (const auto& doc : d.store->ListDocs("job")) {
    auto job = nlohmann::json::parse(doc.dump(), nullptr, false);
    if (job.is_discarded() || !job.is_object()) continue;
    d.engine->Restore(job.get<Job>());
    ++restored;
  }
  d.engine->SetJournal(d.journal.get());
  if (restored > 0) spdlog::info("mock Okta: {} provisioning jobs queued before the last stop run again", restored);
  d.auth_servers = std::make_unique<signon::AuthServers>(*d.store, *d.ids, *d.clock);
  d.signon = std::make_unique<signon::SignOn>(*d.org, *d.auth_servers, *d.clock);
  d.saml = std::make_unique<signon::SamlIdp>(*d.org, *d.signon, *d.store, *d.clock);
  if (auto s = d.ApplyPreset(); !s.ok()) return s.error();

  core::ConfigureServer(d.server, core::HttpServerOptions{});
  InstallOktaHandlers(d.server, d.api_token, d.config.bind);
  RouteContext ctx;
  ctx.org = d.org.get();
  ctx.engine = d.engine.get();
  ctx.clock = d.clock.get();
  ctx.ids = d.ids.get();
  ctx.signon = d.signon.get();
  ctx.api_token = d.api_token;
  ctx.base_url = [this] { return base_url(); };
  ctx.apply_preset = [this] { return impl_->ApplyPreset(); };  // after POST /sandbox/reset
  ctx.links = d.config.links;
  RegisterApiRoutes(d.server, ctx);
  RegisterSandboxRoutes(d.server, ctx);
  signon::RegisterOidcRoutes(d.server, ctx);
  signon::RegisterLoginRoutes(d.server, ctx);
  signon::RegisterSamlRoutes(d.server, ctx, *d.saml);  // SAML 2.0: metadata, SSO URL, faults
  signon::RegisterAuthServerRoutes(d.server, ctx);
  RegisterCheckRoutes(d.server, ctx);  // POST /sandbox/check (the console's "Check a SCIM server")
  ConsoleContext console;
  console.assets = d.config.console_assets;
  console.links = d.config.links;
  console.api_token = d.api_token;
  console.org_url = [this] { return base_url(); };
  std::string preset_url = d.config.preset ? d.config.preset->scim_base_url : "";
  console.scim_base_url = [preset_url] { return preset_url; };
  RegisterConsoleRoutes(d.server, console);

  d.engine->Start();
  d.listener = std::make_unique<core::HttpListener>(d.server);
  auto port = d.listener->Start(d.config.bind, d.config.port);
  if (!port.ok()) {
    d.engine->Stop();
    return port.error();
  }
  d.started = true;
  spdlog::info("mock Okta listening on {}", base_url());
  return *port;
}

void MockOkta::Stop() {
  Impl& d = *impl_;
  if (!d.started) return;
  d.started = false;
  if (d.listener) d.listener->Stop();
  if (d.engine) d.engine->Stop();
}

int MockOkta::port() const { return impl_->listener ? impl_->listener->port() : 0; }

std::string MockOkta::base_url() const { return "http://" + impl_->config.bind + ":" + std::to_string(port()); }

const std::string& MockOkta::api_token() const { return impl_->api_token; }

bool MockOkta::WaitIdle(std::chrono::milliseconds timeout) {
  if (!impl_->engine) return true;
  return impl_->engine->WaitIdle(timeout);
}

}  // namespace okta

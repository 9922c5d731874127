#include "scim_server/scim_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "core/http.h"
#include "core/secret.h"
#include "scim_server/admin_routes.h"
#include "scim_server/device_store.h"
#include "scim_server/fault_injector.h"
#include "scim_server/group_gate.h"
#include "scim_server/scim_error.h"
#include "scim_server/scim_routes.h"
#include "scim_server/scim_store.h"

namespace scim {

namespace {
constexpr const char* kPrefix = "/scim/v2";
constexpr const char* kTokenSetting = "scim.token";
}  // namespace

struct ScimServer::Impl {
  explicit Impl(Config c) : config(std::move(c)) {}

  Config config;
  core::SystemClock system_clock;
  std::unique_ptr<core::UuidV7Source> own_ids;
  std::unique_ptr<ScimStore> store;
  std::unique_ptr<DeviceStore> devices;
  std::unique_ptr<GroupGate> gate;
  FaultInjector faults;
  httplib::Server http;
  std::unique_ptr<core::HttpListener> listener;
  mutable std::mutex mu;
  std::string token;  // guarded by mu
  std::string base_url;
  int port = 0;

  std::string Token() const {
    std::lock_guard<std::mutex> lock(mu);
    return token;
  }

  // Bearer authentication, compared in constant time.
  bool Authenticate(const httplib::Request& req, httplib::Response& res) const {
    std::string header = req.get_header_value("Authorization");
    static constexpr std::string_view kBearer = "Bearer ";
    bool ok = false;
    if (header.size() > kBearer.size() && core::EqualsCi(std::string_view(header).substr(0, kBearer.size()), kBearer)) {
      ok = core::ConstantTimeEquals(Token(), std::string_view(header).substr(kBearer.size()));
    }
    if (ok) return true;
    res.set_header("WWW-Authenticate", "Bearer realm=\"okta-sandbox SCIM\"");
    WriteError(res, 401, "",
               header.empty() ? "authentication required: send Authorization: Bearer <token>"
                              : "the bearer token is not valid for this SCIM server");
    return false;
  }

  // Start's steps, in order. Each error is Start's.
  core::Status OpenStores(const core::Clock& clock);  // store, devices, group gate
  core::Status LoadToken();
  void InstallRoutes(ScimServer& owner);  // error handlers, SCIM and admin routes
};

ScimServer::ScimServer(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

ScimServer::~ScimServer() { Stop(); }

namespace {

// devices.db beside the store file, or in memory with an in-memory store.
std::string DevicesPathFor(const Config& config) {
  if (!config.devices_db_path.empty()) return config.devices_db_path;
  if (config.db_path == ":memory:" || config.db_path.empty()) return ":memory:";
  auto slash = config.db_path.find_last_of('/');
  return (slash == std::string::npos ? std::string() : config.db_path.substr(0, slash + 1)) + "devices.db";
}

// Anything that ends in an error without a body (unknown path, wrong
// method, body over the limit, unparsable request) still gets a SCIM error.
core::ServiceErrorRenderer ScimErrorRenderer(size_t max_body_bytes) {
  auto reply = [](int status, const std::string& scim_type, const std::string& detail) {
    return core::ErrorReply{status, core::DumpCompact(ErrorBody(status, scim_type, detail)), kScimContentType};
  };
  core::ServiceErrorRenderer r;
  r.log_name = "scim";
  r.render_status = [reply, max_body_bytes](int status,
                                            const httplib::Request& req) -> std::optional<core::ErrorReply> {
    switch (status) {
      case 404: return reply(404, "", "no SCIM endpoint at " + req.method + " " + req.path);
      case 405: return reply(405, "", "method " + req.method + " is not allowed on " + req.path);
      case 413:
        return reply(413, "",
                     "the request body is larger than the limit of " + std::to_string(max_body_bytes) + " bytes");
      case 400: return reply(400, "invalidSyntax", "the HTTP request could not be parsed");
      default: return reply(status, "", "the request failed with HTTP status " + std::to_string(status));
    }
  };
  r.render_exception = [reply](const httplib::Request&) { return reply(500, "", "internal error"); };
  return r;
}

}  // namespace

core::Status ScimServer::Impl::OpenStores(const core::Clock& clock) {
  core::IdSource* ids = config.ids;
  if (!ids) {
    own_ids = std::make_unique<core::UuidV7Source>(clock);
    ids = own_ids.get();
  }
  auto opened = ScimStore::Open(config.db_path, clock, *ids);
  if (!opened.ok()) return opened.error();
  store = std::move(*opened);

  auto opened_devices = DeviceStore::Open(DevicesPathFor(config));
  if (!opened_devices.ok()) return opened_devices.error();
  devices = std::move(*opened_devices);
  gate = std::make_unique<GroupGate>(*store, *devices,
                                     config.groups_need_encryption ? GroupGateMode::kEncryption : GroupGateMode::kOpen);
  gate->Load();
  if (!config.encryption_url.empty()) {
    if (auto st = gate->Configure(config.encryption_url, config.encryption_secret); !st.ok()) return st.error();
  }
  if (config.group_provisioning) {
    if (auto st = gate->SetEnabled(true); !st.ok()) {
      spdlog::warn("scim: {}", st.error().detail);
    }
  }
  store->SetGroupWriteHook([g = gate.get()](const GroupWriteEvent& ev) { return g->OnGroupWrite(ev); },
                           [g = gate.get()] { return g->CallsOut(); });
  return core::Status::Ok();
}

core::Status ScimServer::Impl::LoadToken() {
  // The configured one, else the one kept in the store, else a new one kept there.
  if (!config.token.empty()) {
    token = config.token;
  } else if (auto kept = store->GetSetting(kTokenSetting)) {
    token = *kept;
  } else {
    token = core::RandomToken(32);
    if (auto st = store->SetSetting(kTokenSetting, token); !st.ok()) return st.error();
  }
  return core::Status::Ok();
}

void ScimServer::Impl::InstallRoutes(ScimServer& owner) {
  core::HttpServerOptions options;
  options.worker_threads = config.worker_threads;
  options.max_body_bytes = config.max_body_bytes;
  core::ConfigureServer(http, options);
  core::InstallJsonHandlers(http, ScimErrorRenderer(config.max_body_bytes));

  RouteContext ctx;
  ctx.store = store.get();
  ctx.base_url = [this] { return base_url; };
  ctx.max_results = config.max_results;
  ctx.max_body_bytes = config.max_body_bytes;
  ctx.group_patch_no_content = config.group_patch_no_content;
  ctx.authorize = [this](const httplib::Request& req, httplib::Response& res) { return Authenticate(req, res); };
  ctx.check_group_writable = [this] { return gate->CheckWritable(); };
  ctx.inject_fault = [this](const httplib::Request& req, httplib::Response& res) {
    return faults.Apply(req.method, req.path.substr(std::char_traits<char>::length(kPrefix)), req.remote_addr,
                        req.remote_port, res);
  };
  RegisterScimRoutes(http, kPrefix, ctx);

  AdminContext admin;
  admin.store = store.get();
  admin.gate = gate.get();
  admin.base_url = [this] { return base_url; };
  admin.token = [this] { return Token(); };
  admin.regenerate_token = [&owner] { return owner.RegenerateToken(); };
  admin.faults = &faults;
  admin.render_user = [this](const StoredUser& u) { return RenderUser(u.data, u.meta, u.groups, base_url); };
  admin.render_group = [this](const StoredGroup& g) { return RenderGroup(g.data, g.meta, g.members, base_url); };
  admin.max_body_bytes = config.max_body_bytes;
  admin.too_large = *ScimErrorRenderer(config.max_body_bytes).render_status(413, httplib::Request());
  RegisterAdminRoutes(http, admin);
}

core::Result<int> ScimServer::Start() {
  Impl& s = *impl_;
  if (s.listener && s.listener->running()) return s.port;
  const core::Clock& clock = s.config.clock ? *s.config.clock : s.system_clock;
  if (auto st = s.OpenStores(clock); !st.ok()) return st.error();
  if (auto st = s.LoadToken(); !st.ok()) return st.error();
  s.InstallRoutes(*this);

  s.listener = std::make_unique<core::HttpListener>(s.http);
  auto port = s.listener->Start(s.config.bind, s.config.port);
  if (!port.ok()) return port.error();
  s.port = *port;
  if (!s.config.base_url.empty()) {
    s.base_url = s.config.base_url;
    while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  } else {
    std::string host = s.config.bind == "0.0.0.0" ? "127.0.0.1" : s.config.bind;
    s.base_url = "http://" + host + ":" + std::to_string(s.port) + kPrefix;
  }
  return s.port;
}

void ScimServer::Stop() {
  if (impl_->listener) impl_->listener->Stop();
}

int ScimServer::port() const { return impl_->port; }
std::string ScimServer::base_url() const { return impl_->base_url; }
std::string ScimServer::token() const { return impl_->Token(); }

core::Result<std::string> ScimServer::RegenerateToken() {
  std::string fresh = core::RandomToken(32);
  if (impl_->store) {
    if (auto st = impl_->store->SetSetting(kTokenSetting, fresh); !st.ok()) return st.error();
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->token = fresh;
  return fresh;
}

std::optional<std::string> ScimServer::TEST_DevicePrivateKey(const std::string& user_id) const {
  if (!impl_->devices) return std::nullopt;
  return impl_->devices->PrivateKeyFor(user_id);
}

}  // namespace scim

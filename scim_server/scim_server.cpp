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
};

ScimServer::ScimServer(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

ScimServer::~ScimServer() { Stop(); }

core::Result<int> ScimServer::Start() {
  Impl& s = *impl_;
  if (s.listener && s.listener->running()) return s.port;
  const core::Clock& clock = s.config.clock ? *s.config.clock : s.system_clock;
  core::IdSource* ids = s.config.ids;
  if (!ids) {
    s.own_ids = std::make_unique<core::UuidV7Source>(clock);
    ids = s.own_ids.get();
  }
  auto store = ScimStore::Open(s.config.db_path, clock, *ids);
  if (!store.ok()) return store.error();
  s.store = std::move(*store);

  std::string devices_path = s.config.devices_db_path;
  if (devices_path.empty()) {
    if (s.config.db_path == ":memory:" || s.config.db_path.empty()) {
      devices_path = ":memory:";
    } else {
      auto slash = s.config.db_path.find_last_of('/');
      devices_path = (slash == std::string::npos ? std::string() : s.config.db_path.substr(0, slash + 1)) + "devices.db";
    }
  }
  auto devices = DeviceStore::Open(devices_path);
  if (!devices.ok()) return devices.error();
  s.devices = std::move(*devices);
  s.gate = std::make_unique<GroupGate>(*s.store, *s.devices,
                                       s.config.groups_need_encryption ? GroupGateMode::kEncryption : GroupGateMode::kOpen);
  s.gate->Load();
  if (!s.config.encryption_url.empty()) {
    if (auto st = s.gate->Configure(s.config.encryption_url, s.config.encryption_secret); !st.ok()) return st.error();
  }
  if (s.config.group_provisioning) {
    if (auto st = s.gate->SetEnabled(true); !st.ok()) {
      spdlog::warn("scim: {}", st.error().detail);
    }
  }
  s.store->SetGroupWriteHook([gate = s.gate.get()](const GroupWriteEvent& ev) { return gate->OnGroupWrite(ev); });

  // Token: the configured one, else the one kept in the store, else a new one kept there.
  if (!s.config.token.empty()) {
    s.token = s.config.token;
  } else if (auto kept = s.store->GetSetting(kTokenSetting)) {
    s.token = *kept;
  } else {
    s.token = core::RandomToken(32);
    if (auto st = s.store->SetSetting(kTokenSetting, s.token); !st.ok()) return st.error();
  }

  core::HttpServerOptions options;
  options.worker_threads = s.config.worker_threads;
  options.max_body_bytes = s.config.max_body_bytes;
  core::ConfigureServer(s.http, options);
  // Anything that ends in an error without a body (unknown path, wrong
  // method, body over the limit, unparsable request) still gets a SCIM error.
  s.http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 404: WriteError(res, 404, "", "no SCIM endpoint at " + req.method + " " + req.path); break;
      case 405: WriteError(res, 405, "", "method " + req.method + " is not allowed on " + req.path); break;
      case 413:
        WriteError(res, 413, "",
                   "the request body is larger than the limit of " + std::to_string(impl_->config.max_body_bytes) +
                       " bytes");
        break;
      case 400: WriteError(res, 400, "invalidSyntax", "the HTTP request could not be parsed"); break;
      default: WriteError(res, res.status, "", "the request failed with HTTP status " + std::to_string(res.status)); break;
    }
  });
  s.http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("scim: {} {} failed: {}", req.method, req.path, what);
    WriteError(res, 500, "", "internal error");
  });
  s.http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("scim: {} {} -> {}", req.method, req.path, res.status);
  });

  RouteContext ctx;
  ctx.store = s.store.get();
  ctx.base_url = [this] { return impl_->base_url; };
  ctx.max_results = s.config.max_results;
  ctx.max_body_bytes = s.config.max_body_bytes;
  ctx.group_patch_no_content = s.config.group_patch_no_content;
  ctx.authorize = [this](const httplib::Request& req, httplib::Response& res) { return impl_->Authenticate(req, res); };
  ctx.check_group_writable = [this] { return impl_->gate->CheckWritable(); };
  ctx.inject_fault = [this](const httplib::Request& req, httplib::Response& res) {
    return impl_->faults.Apply(req.method, req.path.substr(std::char_traits<char>::length(kPrefix)), req.remote_addr,
                               req.remote_port, res);
  };
  RegisterScimRoutes(s.http, kPrefix, ctx);

  AdminContext admin;
  admin.store = s.store.get();
  admin.gate = s.gate.get();
  admin.base_url = [this] { return impl_->base_url; };
  admin.token = [this] { return impl_->Token(); };
  admin.regenerate_token = [this] { return RegenerateToken(); };
  admin.faults = &s.faults;
  admin.render_user = [this](const StoredUser& u) { return RenderUser(u.data, u.meta, u.groups, impl_->base_url); };
  admin.render_group = [this](const StoredGroup& g) { return RenderGroup(g.data, g.meta, g.members, impl_->base_url); };
  RegisterAdminRoutes(s.http, admin);

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

#include "encryption_stub/encryption_stub.h"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>

#include "core/http.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/secret.h"
#include "encryption_stub/key_service.h"
#include "encryption_stub/key_store.h"
#include "encryption_stub/stub_requests.h"

#ifndef OKTA_SANDBOX_VERSION
#define OKTA_SANDBOX_VERSION "0.0.0"
#endif

namespace encryption {

namespace {

constexpr const char* kJson = "application/json";
constexpr time_t kKeepAliveIdleSec = 1;
// Route patterns: ids are one path segment (httplib matches the decoded path).
constexpr const char* kGroupPath = R"(/v1/groups/([^/]+))";
constexpr const char* kMembersPath = R"(/v1/groups/([^/]+)/members)";
constexpr const char* kMemberPath = R"(/v1/groups/([^/]+)/members/([^/]+))";
constexpr const char* kRotatePath = R"(/v1/groups/([^/]+)/rotate)";

void Reply(httplib::Response& res, int status, const core::Json& body) {
  res.status = status;
  res.set_content(core::DumpCompact(body), kJson);
}

void ReplyError(httplib::Response& res, const ApiError& error) {
  Reply(res, error.status, RenderError(error));
  if (error.status == 401) res.set_header("WWW-Authenticate", "Bearer");
}

core::Json RenderWrapped(const WrappedKey& key) {
  core::Json j;
  j["memberId"] = key.member_id;
  j["keyVersion"] = key.key_version;
  j["wrappedKey"] = core::Base64Encode(key.wrapped);
  return j;
}

// Which checks a route gets before its handler runs.
enum class Gate {
  kAdmin,   // authenticated; works even while "down"
  kStatus,  // authenticated; 503 while "down"
  kKeyOp,   // authenticated; 503 while "down", then delayMs, then failStatus
};

core::ErrorReply ErrorReplyFor(const ApiError& error) {
  return core::ErrorReply{error.status, core::DumpCompact(RenderError(error)), kJson};
}

// Unknown routes, 413 and other errors httplib raises itself get a JSON body
// too; answers that already carry one are left alone.
core::ServiceErrorRenderer StubErrorRenderer() {
  core::ServiceErrorRenderer r;
  r.log_name = "encryption stub";
  r.render_status = [](int status, const httplib::Request& req) -> std::optional<core::ErrorReply> {
    if (status == 204) return std::nullopt;
    ApiError err = MakeApiError(status, "notFound", "no route for " + req.method + " " + req.path);
    if (status == 413) err = MakeApiError(413, "payloadTooLarge", "request body too large");
    else if (status != 404) err = MakeApiError(status, "badRequest", "request rejected by the HTTP layer");
    return ErrorReplyFor(err);
  };
  r.render_exception = [](const httplib::Request&) {
    return ErrorReplyFor(MakeApiError(500, "internal", "internal error"));
  };
  return r;
}

}  // namespace

struct EncryptionStub::Impl {
  // Constant after construction.
  Config config;
  std::string secret;
  core::SystemClock system_clock;
  const core::Clock* clock = nullptr;

  // Owned by Start/Stop (called from the owner's thread, serialised by life_mu).
  std::mutex life_mu;
  std::unique_ptr<KeyStore> store;
  std::unique_ptr<KeyService> service;
  std::unique_ptr<httplib::Server> server;
  std::unique_ptr<core::HttpListener> listener;
  int port = 0;
  std::string started_at;

  // Shared with the handlers.
  mutable std::mutex mu;
  std::condition_variable wake;  // signalled when stopping, cuts delay faults short
  Fault fault;                   // guarded by mu
  bool stopping = false;         // guarded by mu

  explicit Impl(Config c) : config(std::move(c)) {
    secret = config.secret.empty() ? core::RandomToken(32) : config.secret;
    clock = config.clock ? config.clock : &system_clock;
  }

  Fault CurrentFault() const {
    std::lock_guard<std::mutex> lock(mu);
    return fault;
  }

  bool Authorized(const httplib::Request& req) const {
    std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() < kScheme.size() || !core::EqualsCi(std::string_view(header).substr(0, kScheme.size()), kScheme)) {
      return false;
    }
    return core::ConstantTimeEquals(std::string_view(header).substr(kScheme.size()), secret);
  }

  // Runs the checks for `gate`; false when it has already answered.
  // The "down" check comes before authentication: a service that is down
  // answers nobody, as an unreachable one would.
  bool Admit(Gate gate, const httplib::Request& req, httplib::Response& res) {
    Fault f = CurrentFault();
    if (gate != Gate::kAdmin && f.down) {
      ReplyError(res, MakeApiError(503, "unavailable", "encryption service is down (fault injected)"));
      return false;
    }
    if (!Authorized(req)) {
      ReplyError(res, MakeApiError(401, "unauthorized", "missing or wrong bearer secret"));
      return false;
    }
    if (gate != Gate::kKeyOp) return true;
    if (f.delay_ms > 0) {
      std::unique_lock<std::mutex> lock(mu);
      if (wake.wait_for(lock, std::chrono::milliseconds(f.delay_ms), [this] { return stopping; })) {
        lock.unlock();
        ReplyError(res, MakeApiError(503, "unavailable", "encryption service is stopping"));
        return false;
      }
    }
    if (f.fail_status != 0) {
      ReplyError(res, MakeApiError(f.fail_status, "injectedFault",
                                   "fault injected: failStatus " + std::to_string(f.fail_status)));
      return false;
    }
    return true;
  }

  // Registers `handler` for `gate`-checked requests; the handler only parses,
  // calls the service and renders.
  template <class H>
  httplib::Server::Handler Guarded(Gate gate, H handler) {
    return [this, gate, handler](const httplib::Request& req, httplib::Response& res) {
      if (Admit(gate, req, res)) handler(req, res);
    };
  }

  // Routes, registered by InstallRoutes (with the error handlers).
  void InstallRoutes(httplib::Server& s);
  void InstallServiceRoutes(httplib::Server& s);  // health, status, admin faults
  void InstallGroupRoutes(httplib::Server& s);    // group keys
  void InstallMemberRoutes(httplib::Server& s);   // members and rotation
  core::Json StatusBody();
};

void EncryptionStub::Impl::InstallRoutes(httplib::Server& s) {
  InstallServiceRoutes(s);
  InstallGroupRoutes(s);
  InstallMemberRoutes(s);
  core::InstallJsonHandlers(s, StubErrorRenderer());
}

void EncryptionStub::Impl::InstallServiceRoutes(httplib::Server& s) {
  s.Get("/v1/health", [this](const httplib::Request&, httplib::Response& res) {
    bool down = CurrentFault().down;
    core::Json body;
    body["status"] = down ? "Down" : "Active";
    Reply(res, down ? 503 : 200, body);
  });

  s.Get("/v1/status", Guarded(Gate::kStatus, [this](const httplib::Request&, httplib::Response& res) {
          Reply(res, 200, StatusBody());
        }));

  s.Get("/v1/admin/faults", Guarded(Gate::kAdmin, [this](const httplib::Request&, httplib::Response& res) {
          Reply(res, 200, RenderFault(CurrentFault()));
        }));
  s.Put("/v1/admin/faults", Guarded(Gate::kAdmin, [this](const httplib::Request& req, httplib::Response& res) {
          ApiError err;
          Fault f;
          if (!ParseFault(req.body, &f, &err)) return ReplyError(res, err);
          {
            std::lock_guard<std::mutex> lock(mu);
            fault = f;
          }
          spdlog::info("encryption stub: faults set to {}", core::DumpCompact(RenderFault(f)));
          Reply(res, 200, RenderFault(f));
        }));
}

void EncryptionStub::Impl::InstallGroupRoutes(httplib::Server& s) {
  s.Post("/v1/groups", Guarded(Gate::kKeyOp, [this](const httplib::Request& req, httplib::Response& res) {
           ApiError err;
           std::string group_id;
           if (!ParseCreateGroup(req.body, &group_id, &err)) return ReplyError(res, err);
           auto group = service->CreateGroup(group_id);
           if (!group.ok()) return ReplyError(res, ToApiError(group.error()));
           core::Json body;
           body["groupId"] = group->group_id;
           body["keyVersion"] = group->key_version;
           Reply(res, group->created ? 201 : 200, body);
         }));

  s.Get(kGroupPath, Guarded(Gate::kKeyOp, [this](const httplib::Request& req, httplib::Response& res) {
          auto group = service->DescribeGroup(req.matches[1]);
          if (!group.ok()) return ReplyError(res, ToApiError(group.error()));
          core::Json body;
          body["groupId"] = group->group_id;
          body["keyVersion"] = group->key_version;
          body["createdAt"] = group->created_at;
          body["rotatedAt"] = group->rotated_at;
          body["members"] = core::Json::array();
          for (const MemberRecord& m : group->members) {
            core::Json jm;
            jm["memberId"] = m.member_id;
            jm["keyVersion"] = m.key_version;
            jm["addedAt"] = m.added_at;
            body["members"].push_back(std::move(jm));
          }
          Reply(res, 200, body);
        }));

  s.Delete(kGroupPath, Guarded(Gate::kKeyOp, [this](const httplib::Request& req, httplib::Response& res) {
             auto st = service->DeleteGroup(req.matches[1]);
             if (!st.ok()) return ReplyError(res, ToApiError(st.error()));
             res.status = 204;
           }));
}

void EncryptionStub::Impl::InstallMemberRoutes(httplib::Server& s) {
  s.Post(kMembersPath, Guarded(Gate::kKeyOp, [this](const httplib::Request& req, httplib::Response& res) {
           ApiError err;
           MemberKey member;
           if (!ParseAddMember(req.body, &member, &err)) return ReplyError(res, err);
           auto added = service->AddMember(req.matches[1], member);
           if (!added.ok()) return ReplyError(res, ToApiError(added.error()));
           core::Json body;
           body["groupId"] = std::string(req.matches[1]);
           body.update(RenderWrapped(added->key));
           Reply(res, added->added ? 201 : 200, body);
         }));

  s.Delete(kMemberPath, Guarded(Gate::kKeyOp, [this](const httplib::Request& req, httplib::Response& res) {
             auto st = service->RemoveMember(req.matches[1], req.matches[2]);
             if (!st.ok()) return ReplyError(res, ToApiError(st.error()));
             res.status = 204;
           }));

  s.Post(kRotatePath, Guarded(Gate::kKeyOp, [this](const httplib::Request& req, httplib::Response& res) {
           ApiError err;
           RotateRequest rotate;
           if (!ParseRotate(req.body, &rotate, &err)) return ReplyError(res, err);
           auto rotated = service->Rotate(req.matches[1], rotate.members, rotate.expected_version);
           if (!rotated.ok()) return ReplyError(res, ToApiError(rotated.error()));
           core::Json body;
           body["groupId"] = rotated->group_id;
           body["keyVersion"] = rotated->key_version;
           body["members"] = core::Json::array();
           for (const WrappedKey& k : rotated->wrapped) body["members"].push_back(RenderWrapped(k));
           body["revoked"] = rotated->revoked;
           Reply(res, 200, body);
         }));
}

core::Json EncryptionStub::Impl::StatusBody() {
  core::Json body;
  body["status"] = "Active";
  body["version"] = OKTA_SANDBOX_VERSION;
  body["startedAt"] = started_at;
  auto counts = service->Counts();
  if (counts.ok()) {
    body["groups"] = counts->groups;
    body["members"] = counts->members;
    body["wrappedKeys"] = counts->wrapped_keys;
  }
  body["faults"] = RenderFault(CurrentFault());
  return body;
}

EncryptionStub::EncryptionStub(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

EncryptionStub::~EncryptionStub() { Stop(); }

core::Result<int> EncryptionStub::Start() {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> life(d.life_mu);
  if (d.listener && d.listener->running()) return d.port;

  auto store = KeyStore::Open(d.config.db_path);
  if (!store.ok()) {
    return core::Error{core::ErrorCode::kInternal,
                       "encryption stub: cannot open key store " + d.config.db_path + ": " + store.error().detail};
  }
  d.store = std::move(*store);
  d.service = std::make_unique<KeyService>(*d.store, *d.clock);
  {
    std::lock_guard<std::mutex> lock(d.mu);
    d.stopping = false;
  }
  d.started_at = core::FormatIso8601(d.clock->Now());
  d.server = std::make_unique<httplib::Server>();
  core::HttpServerOptions options;
  options.worker_threads = d.config.worker_threads;
  core::ConfigureServer(*d.server, options);
  // httplib's Stop waits for idle keep-alive connections to time out (5 s by
  // default); a short idle timeout keeps Stop quick. Clients reconnect.
  d.server->set_keep_alive_timeout(kKeepAliveIdleSec);
  d.InstallRoutes(*d.server);
  d.listener = std::make_unique<core::HttpListener>(*d.server);
  auto port = d.listener->Start(d.config.bind, d.config.port);
  if (!port.ok()) {
    d.listener.reset();
    d.server.reset();
    d.service.reset();
    d.store.reset();
    return port.error();
  }
  d.port = *port;
  spdlog::info("encryption stub listening on {}:{} (store {})", d.config.bind, d.port, d.config.db_path);
  return d.port;
}

void EncryptionStub::Stop() {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> life(d.life_mu);
  if (!d.listener) return;
  {
    std::lock_guard<std::mutex> lock(d.mu);
    d.stopping = true;
  }
  d.wake.notify_all();
  d.listener->Stop();  // waits for in-flight handlers and the listener thread
  d.listener.reset();
  d.server.reset();
  d.service.reset();
  d.store.reset();
  spdlog::info("encryption stub on port {} stopped", d.port);
}

int EncryptionStub::port() const {
  std::lock_guard<std::mutex> life(impl_->life_mu);
  return impl_->port;
}

std::string EncryptionStub::base_url() const {
  std::lock_guard<std::mutex> life(impl_->life_mu);
  return "http://" + impl_->config.bind + ":" + std::to_string(impl_->port);
}

const std::string& EncryptionStub::secret() const { return impl_->secret; }

void EncryptionStub::SetFault(Fault fault) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->fault = fault;
  }
}

Fault EncryptionStub::fault() const { return impl_->CurrentFault(); }

}  // namespace encryption

#include "app/sandbox.h"

#include "encryption_stub/encryption_stub.h"
#include "mock_okta/mock_okta.h"
#include "scim_server/scim_server.h"

namespace app {

namespace {

// The error of a service that did not start, named.
core::Error NotStarted(const char* service, const core::Error& e) {
  return core::MakeError(e.code, std::string(service) + " did not start: " + e.detail);
}

}  // namespace

Sandbox::Sandbox(SandboxConfig config) : config_(std::move(config)) {
  if (config_.deterministic) {
    auto start = core::ParseIso8601(config_.deterministic->start_time);
    clock_ = std::make_unique<core::ManualClock>(start.value_or(core::TimePoint{}));
    scim_ids_ = std::make_unique<core::UuidV7Source>(*clock_, config_.deterministic->seed);
  }
}

Sandbox::~Sandbox() { Stop(); }

core::Status Sandbox::Start() {
  if (!config_.external_scim) {
    if (auto st = StartEncryption(); !st.ok()) return st;
    if (auto st = StartScim(); !st.ok()) return st;
  }
  return StartOkta();
}

core::Status Sandbox::StartEncryption() {
  encryption::Config c;
  c.bind = config_.bind;
  c.port = config_.encryption_port;
  c.db_path = config_.keys_db;
  c.secret = config_.encryption_secret;
  c.clock = clock_.get();
  encryption_ = std::make_unique<encryption::EncryptionStub>(c);
  auto port = encryption_->Start();
  if (!port.ok()) return NotStarted("encryption service", port.error());
  return core::Status::Ok();
}

core::Status Sandbox::StartScim() {
  scim::Config c;
  c.bind = config_.bind;
  c.port = config_.scim_port;
  c.db_path = config_.scim_db;
  c.token = config_.scim_token;
  c.clock = clock_.get();
  c.ids = scim_ids_.get();
  c.encryption_url = encryption_->base_url();
  c.encryption_secret = encryption_->secret();
  c.group_provisioning = true;
  c.group_patch_no_content = config_.group_patch_no_content;
  scim_ = std::make_unique<scim::ScimServer>(c);
  auto port = scim_->Start();
  if (!port.ok()) return NotStarted("SCIM server", port.error());
  return core::Status::Ok();
}

core::Status Sandbox::StartOkta() {
  okta::Config c;
  c.bind = config_.bind;
  c.port = config_.okta_port;
  c.db_path = config_.okta_db;
  c.api_token = config_.okta_token;
  c.clock = clock_.get();
  if (config_.deterministic) c.seed = config_.deterministic->seed;
  c.provisioning_workers = config_.provisioning_workers;
  c.max_traffic_records = c.max_log_events = config_.keep_records;
  c.max_record_age = config_.keep_records_for;
  c.preset = okta::PresetApp{scim_base_url(), scim_token()};
  c.links.scim_admin_url = scim_admin_url();
  c.links.encryption_url = encryption_url();
  c.links.encryption_secret = encryption_secret();
  c.console_assets = config_.console_assets;
  okta_ = std::make_unique<okta::MockOkta>(c);
  auto port = okta_->Start();
  if (!port.ok()) return NotStarted("mock Okta", port.error());
  return core::Status::Ok();
}

void Sandbox::Stop() {
  if (okta_) okta_->Stop();
  if (scim_) scim_->Stop();
  if (encryption_) encryption_->Stop();
}

std::string Sandbox::okta_url() const { return okta_ ? okta_->base_url() : ""; }
std::string Sandbox::okta_token() const { return okta_ ? okta_->api_token() : ""; }
int Sandbox::okta_port() const { return okta_ ? okta_->port() : 0; }

std::string Sandbox::scim_base_url() const {
  if (config_.external_scim) return config_.external_scim->base_url;
  return scim_ ? scim_->base_url() : "";
}
std::string Sandbox::scim_token() const {
  if (config_.external_scim) return config_.external_scim->token;
  return scim_ ? scim_->token() : "";
}
std::string Sandbox::scim_admin_url() const {
  if (!scim_) return "";
  return "http://" + config_.bind + ":" + std::to_string(scim_->port()) + "/admin/api";
}
int Sandbox::scim_port() const { return scim_ ? scim_->port() : 0; }

std::string Sandbox::encryption_url() const { return encryption_ ? encryption_->base_url() : ""; }
std::string Sandbox::encryption_secret() const { return encryption_ ? encryption_->secret() : ""; }
int Sandbox::encryption_port() const { return encryption_ ? encryption_->port() : 0; }

bool Sandbox::WaitIdle(std::chrono::milliseconds timeout) { return okta_ ? okta_->WaitIdle(timeout) : true; }

}  // namespace app

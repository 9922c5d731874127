// Test helper: a pass-through HTTP proxy in front of the encryption stub. It
// counts key operations (requests under /v1/groups) and switches a stub fault
// on when a chosen one arrives, before passing it on, so a test can make the
// service fail or slow down in the middle of a write (the k-th call), not only
// before the write starts. Point the SCIM server's encryption URL at base_url().
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "encryption_stub/encryption_stub.h"

namespace scimtest {

class KeyCallFault {
 public:
  explicit KeyCallFault(encryption::EncryptionStub& stub) : stub_(stub) {
    auto forward = [this](const httplib::Request& req, httplib::Response& res) { Forward(req, res); };
    server_.Get(".*", forward);
    server_.Post(".*", forward);
    server_.Put(".*", forward);
    server_.Delete(".*", forward);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("KeyCallFault: cannot bind a port");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~KeyCallFault() {
    server_.stop();
    thread_.join();
  }
  KeyCallFault(const KeyCallFault&) = delete;
  KeyCallFault& operator=(const KeyCallFault&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int key_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // The `nth` key operation from now (1: the next one) switches `fault` on in
  // the stub, and so does meet it, like every later call until it is undone.
  void FaultAt(int nth, encryption::Fault fault) {
    std::lock_guard<std::mutex> lock(mu_);
    fault_at_ = calls_ + nth;
    fault_ = fault;
    faulted_ = false;
  }
  // True once the armed fault has been switched on (its call is then on its
  // way to the stub), false after `timeout`.
  bool WaitFaulted(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return faulted_cv_.wait_for(lock, timeout, [this] { return faulted_; });
  }

 private:
  void Forward(const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/v1/groups", 0) == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      if (++calls_ == fault_at_) {
        stub_.SetFault(fault_);
        faulted_ = true;
        faulted_cv_.notify_all();
      }
    }
    httplib::Client upstream("127.0.0.1", stub_.port());
    upstream.set_read_timeout(30, 0);
    httplib::Headers headers;
    if (req.has_header("Authorization")) headers.emplace("Authorization", req.get_header_value("Authorization"));
    httplib::Result r{nullptr, httplib::Error::Unknown};
    if (req.method == "GET") r = upstream.Get(req.path.c_str(), headers);
    else if (req.method == "POST") r = upstream.Post(req.path.c_str(), headers, req.body, "application/json");
    else if (req.method == "PUT") r = upstream.Put(req.path.c_str(), headers, req.body, "application/json");
    else if (req.method == "DELETE") r = upstream.Delete(req.path.c_str(), headers);
    if (!r) {
      res.status = 502;
      return;
    }
    res.status = r->status;
    if (!r->body.empty()) res.set_content(r->body, r->get_header_value("Content-Type"));
  }

  encryption::EncryptionStub& stub_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable faulted_cv_;
  int calls_ = 0;      // guarded by mu_
  int fault_at_ = -1;  // guarded by mu_
  encryption::Fault fault_;
  bool faulted_ = false;  // guarded by mu_
};

}  // namespace scimtest

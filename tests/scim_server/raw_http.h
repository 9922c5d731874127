// Sends a request exactly as written (bytes on the wire) and reads the reply.
// Used to replay Okta's requests header for header.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <stdexcept>
#include <string>

#include "core/json_util.h"

namespace scimtest {

struct RawReply {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  core::Json json;
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

// One keep-alive connection, like Okta's HTTP client.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
      throw std::runtime_error("connect failed");
  }
  ~RawConnection() { ::close(fd_); }

  RawReply Send(const std::string& wire) {
    size_t off = 0;
    while (off < wire.size()) {
      ssize_t n = ::send(fd_, wire.data() + off, wire.size() - off, 0);
      if (n <= 0) throw std::runtime_error("send failed");
      off += static_cast<size_t>(n);
    }
    // Read the head.
    while (buf_.find("\r\n\r\n") == std::string::npos) Fill();
    size_t head_end = buf_.find("\r\n\r\n");
    std::string head = buf_.substr(0, head_end);
    buf_.erase(0, head_end + 4);
    RawReply r;
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        r.headers.emplace(core::ToLower(line.substr(0, colon)), v);
      }
      pos = e + 2;
    }
    size_t len = 0;
    if (!r.header("content-length").empty()) len = std::stoul(r.header("content-length"));
    while (buf_.size() < len) Fill();
    r.body = buf_.substr(0, len);
    buf_.erase(0, len);
    if (!r.body.empty()) {
      auto j = core::ParseJson(r.body);
      if (j.ok()) r.json = *j;
    }
    return r;
  }

 private:
  void Fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) throw std::runtime_error("connection closed while reading a reply");
    buf_.append(tmp, static_cast<size_t>(n));
  }
  int fd_ = -1;
  std::string buf_;
};

}  // namespace scimtest

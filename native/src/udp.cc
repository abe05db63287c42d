// Batched UDP over IPv4: udpOpen, udpRecvBatch (recvmmsg), udpSendBatch (sendmmsg).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "mmsg.h"
#include "steer-programs.h"

namespace fg {

namespace {

void SetIntOpt(Napi::Env env, int fd, int level, int opt, int forceOpt, int value, const char* name) {
  // As root, the *FORCE variants lift the net.core.[rw]mem_max cap; fall back to the plain option.
  if (forceOpt >= 0 && setsockopt(fd, level, forceOpt, &value, sizeof(value)) == 0) return;
  if (setsockopt(fd, level, opt, &value, sizeof(value)) < 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, "udpOpen", name, err);
  }
}

int OptInt(Napi::Env env, const Napi::Object& o, const char* key, int64_t lo, int64_t hi) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return -1;
  if (!v.IsNumber()) ThrowType(env, "udpOpen", (std::string("opts.") + key + " must be a number").c_str());
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi))) {
    ThrowRange(env, "udpOpen", (std::string("opts.") + key + " is out of range").c_str());
  }
  return static_cast<int>(d);
}

// udpOpen(bindAddr, port, opts?) -> fd (non-blocking, close-on-exec).
Napi::Value UdpOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowType(env, "udpOpen", "bindAddr must be a string");
  std::string addr = info[0].As<Napi::String>().Utf8Value();
  int port = static_cast<int>(ArgInt(info, 1, "udpOpen", "port", 0, 65535));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) {
    ThrowType(env, "udpOpen", "bindAddr must be a dotted IPv4 address");
  }
  bool reusePort = false;
  int rcvbuf = -1;
  int sndbuf = -1;
  if (info[2].IsObject()) {
    Napi::Object o = info[2].As<Napi::Object>();
    reusePort = o.Get("reusePort").ToBoolean().Value();
    rcvbuf = OptInt(env, o, "rcvbuf", 1, 1 << 30);
    sndbuf = OptInt(env, o, "sndbuf", 1, 1 << 30);
  } else if (!info[2].IsUndefined()) {
    ThrowType(env, "udpOpen", "opts must be an object");
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) ThrowErrno(env, "udpOpen", "socket", errno);
  if (reusePort) SetIntOpt(env, fd, SOL_SOCKET, SO_REUSEPORT, -1, 1, "setsockopt(SO_REUSEPORT)");
  if (rcvbuf > 0) SetIntOpt(env, fd, SOL_SOCKET, SO_RCVBUF, SO_RCVBUFFORCE, rcvbuf, "setsockopt(SO_RCVBUF)");
  if (sndbuf > 0) SetIntOpt(env, fd, SOL_SOCKET, SO_SNDBUF, SO_SNDBUFFORCE, sndbuf, "setsockopt(SO_SNDBUF)");
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, "udpOpen", "bind", err);
  }
  return Napi::Number::New(env, fd);
}

// udpRecvBatch(fd, buf, slotSize, offs, lens, srcAddrU32, srcPort, max) -> count
Napi::Value UdpRecvBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "udpRecvBatch";
  int fd = ArgFd(info, 0, fn);
  Bytes buf = ArgBytes(info, 1, fn, "buf");
  size_t slot = static_cast<size_t>(ArgInt(info, 2, fn, "slotSize", 1, 0x7fffffff));
  size_t max = static_cast<size_t>(ArgInt(info, 7, fn, "max", 0, 0x7fffffff));
  int32_t* offs = ArgI32(info, 3, fn, "offs", max);
  int32_t* lens = ArgI32(info, 4, fn, "lens", max);
  uint32_t* src = ArgU32(info, 5, fn, "srcAddrU32", max);
  uint16_t* ports = ArgU16(info, 6, fn, "srcPort", max);
  return Napi::Number::New(env, RecvBatch(env, fn, fd, buf, slot, offs, lens, src, ports, max));
}

// Both UDP senders take (fd, buf, offs, lens, dstAddrU32, dstPort, count) and return datagrams sent.
using UdpSender = int (*)(Napi::Env, const char*, int, const Bytes&, const int32_t*, const int32_t*, const uint32_t*,
                          const uint16_t*, size_t);

Napi::Value UdpSend(const Napi::CallbackInfo& info, const char* fn, UdpSender send) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0, fn);
  Bytes buf = ArgBytes(info, 1, fn, "buf");
  size_t count = static_cast<size_t>(ArgInt(info, 6, fn, "count", 0, kMaxBatch));
  const int32_t* offs = ArgI32(info, 2, fn, "offs", count);
  const int32_t* lens = ArgI32(info, 3, fn, "lens", count);
  const uint32_t* dst = ArgU32(info, 4, fn, "dstAddrU32", count);
  const uint16_t* ports = ArgU16(info, 5, fn, "dstPort", count);
  return Napi::Number::New(env, send(env, fn, fd, buf, offs, lens, dst, ports, count));
}

// udpSendBatch: sendmmsg, one datagram per message
Napi::Value UdpSendBatch(const Napi::CallbackInfo& info) { return UdpSend(info, "udpSendBatch", SendBatch); }

// udpSendSegmented: sendmmsg + UDP GSO, a run of equal-length datagrams per message
Napi::Value UdpSendSegmented(const Napi::CallbackInfo& info) { return UdpSend(info, "udpSendSegmented", SendSegmented); }

// udpSetReuseportSteering(fd, kind, workers) -> undefined. SO_ATTACH_REUSEPORT_CBPF on a bound
// SO_REUSEPORT socket: the program (steer-programs.h) picks the socket of the group by the symmetric hash
// of the INNER IP addresses of the tunnel datagram % workers. The group keeps one program: set it once,
// on any member, after bind. 'vxlan+geneve' takes VXLAN and GENEVE datagrams on one group. Index k is the k-th socket bound to the group; an index past the group's
// size falls back to the kernel's own hash.
Napi::Value UdpSetReuseportSteering(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "udpSetReuseportSteering";
  int fd = ArgFd(info, 0, fn);
  if (!info[1].IsString()) ThrowType(env, fn, "kind must be 'vxlan', 'geneve', 'gtpu' or 'vxlan+geneve'");
  std::string k = info[1].As<Napi::String>().Utf8Value();
  SteerKind kind;
  if (k == "vxlan") kind = SteerKind::kVxlan;
  else if (k == "geneve") kind = SteerKind::kGeneve;
  else if (k == "gtpu") kind = SteerKind::kGtpu;
  else if (k == "vxlan+geneve") kind = SteerKind::kVxlanGeneve;
  else ThrowRange(env, fn, "kind must be 'vxlan', 'geneve', 'gtpu' or 'vxlan+geneve'");
  uint32_t workers = static_cast<uint32_t>(ArgInt(info, 2, fn, "workers", 1, 1024));
  std::vector<sock_filter> prog = steer::ReuseportCbpf(kind, workers);
  if (prog.empty()) ThrowRange(env, fn, "could not assemble the steering program");
  sock_fprog fp{static_cast<unsigned short>(prog.size()), prog.data()};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fp, sizeof(fp)) < 0) {
    ThrowErrno(env, fn, "setsockopt(SO_ATTACH_REUSEPORT_CBPF)", errno);
  }
  return env.Undefined();
}

}  // namespace

void InitUdp(Napi::Env env, Napi::Object exports) {
  exports.Set("udpOpen", Napi::Function::New(env, UdpOpen, "udpOpen"));
  exports.Set("udpRecvBatch", Napi::Function::New(env, UdpRecvBatch, "udpRecvBatch"));
  exports.Set("udpSendBatch", Napi::Function::New(env, UdpSendBatch, "udpSendBatch"));
  exports.Set("udpSendSegmented", Napi::Function::New(env, UdpSendSegmented, "udpSendSegmented"));
  exports.Set("udpSetReuseportSteering", Napi::Function::New(env, UdpSetReuseportSteering, "udpSetReuseportSteering"));
}

}  // namespace fg

// Raw IPv4 sockets (e.g. protocol 47 for GRE mirroring). Needs CAP_NET_RAW.
// Sending: the kernel builds the IPv4 header (no IP_HDRINCL); pass only the protocol payload.
// Receiving: Linux raw IPv4 sockets deliver the whole datagram INCLUDING its IPv4 header
// (payload starts at (buf[off] & 0x0f) * 4), and every raw socket of that protocol gets a copy.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "mmsg.h"

namespace fg {

namespace {

// rawOpen(protocol) -> fd (non-blocking, close-on-exec)
Napi::Value RawOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int proto = static_cast<int>(ArgInt(info, 0, "rawOpen", "protocol", 1, 254));
  if (proto == IPPROTO_RAW) ThrowRange(env, "rawOpen", "protocol 255 (IPPROTO_RAW) is not supported");
  int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) ThrowErrno(env, "rawOpen", "socket", errno);
  return Napi::Number::New(env, fd);
}

// rawSendBatch(fd, buf, offs, lens, dstAddrsU32, count) -> sent
Napi::Value RawSendBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "rawSendBatch";
  int fd = ArgFd(info, 0, fn);
  Bytes buf = ArgBytes(info, 1, fn, "buf");
  size_t count = static_cast<size_t>(ArgInt(info, 5, fn, "count", 0, kMaxBatch));
  const int32_t* offs = ArgI32(info, 2, fn, "offs", count);
  const int32_t* lens = ArgI32(info, 3, fn, "lens", count);
  const uint32_t* dst = ArgU32(info, 4, fn, "dstAddrsU32", count);
  return Napi::Number::New(env, SendBatch(env, fn, fd, buf, offs, lens, dst, nullptr, count));
}

// rawRecvBatch(fd, buf, slotSize, offs, lens, srcAddrsU32, max) -> count
Napi::Value RawRecvBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "rawRecvBatch";
  int fd = ArgFd(info, 0, fn);
  Bytes buf = ArgBytes(info, 1, fn, "buf");
  size_t slot = static_cast<size_t>(ArgInt(info, 2, fn, "slotSize", 1, 0x7fffffff));
  size_t max = static_cast<size_t>(ArgInt(info, 6, fn, "max", 0, 0x7fffffff));
  int32_t* offs = ArgI32(info, 3, fn, "offs", max);
  int32_t* lens = ArgI32(info, 4, fn, "lens", max);
  uint32_t* src = ArgU32(info, 5, fn, "srcAddrsU32", max);
  return Napi::Number::New(env, RecvBatch(env, fn, fd, buf, slot, offs, lens, src, nullptr, max));
}

}  // namespace

void InitRaw(Napi::Env env, Napi::Object exports) {
  exports.Set("rawOpen", Napi::Function::New(env, RawOpen, "rawOpen"));
  exports.Set("rawSendBatch", Napi::Function::New(env, RawSendBatch, "rawSendBatch"));
  exports.Set("rawRecvBatch", Napi::Function::New(env, RawRecvBatch, "rawRecvBatch"));
}

}  // namespace fg

// TUN devices (IFF_TUN | IFF_NO_PI: reads and writes are bare IP packets). Needs CAP_NET_ADMIN.
// The device is not persistent: it disappears when its last fd is closed.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common.h"
#include "steer-programs.h"

namespace fg {

namespace {

constexpr size_t kMaxTunPacket = 65535;

int InterfaceMtu(const char* name) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return 1500;
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  int mtu = ioctl(s, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : 1500;
  close(s);
  return mtu;
}

// tunOpen(name, opts?) -> { fd, name, mtu }. name may be '' or contain '%d' (the kernel picks).
Napi::Value TunOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowType(env, "tunOpen", "name must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  if (name.size() >= IFNAMSIZ) ThrowRange(env, "tunOpen", "name must be at most 15 bytes");
  bool multiQueue = false;
  if (info[1].IsObject()) {
    multiQueue = info[1].As<Napi::Object>().Get("multiQueue").ToBoolean().Value();
  } else if (!info[1].IsUndefined()) {
    ThrowType(env, "tunOpen", "opts must be an object");
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) ThrowErrno(env, "tunOpen", "open(/dev/net/tun)", errno);
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (multiQueue ? IFF_MULTI_QUEUE : 0);
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name.c_str());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, "tunOpen", "ioctl(TUNSETIFF)", err);
  }
  char actual[IFNAMSIZ + 1] = {0};
  std::memcpy(actual, ifr.ifr_name, IFNAMSIZ);
  Napi::Object out = Napi::Object::New(env);
  out.Set("fd", Napi::Number::New(env, fd));
  out.Set("name", Napi::String::New(env, actual));
  out.Set("mtu", Napi::Number::New(env, InterfaceMtu(actual)));
  return out;
}

// tunRead(fd, buf, offs, lens, maxPackets, maxPacketSize = 65535) -> count
// Packs packets back to back from buf[0]; stops at maxPackets, at EAGAIN, or when fewer than
// maxPacketSize bytes remain (a TUN read into a shorter space would cut the packet). Pass the
// device MTU as maxPacketSize to pack tightly.
Napi::Value TunRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "tunRead";
  int fd = ArgFd(info, 0, fn);
  Bytes buf = ArgBytes(info, 1, fn, "buf");
  size_t max = static_cast<size_t>(ArgInt(info, 4, fn, "maxPackets", 0, 0x7fffffff));
  int32_t* offs = ArgI32(info, 2, fn, "offs", max);
  int32_t* lens = ArgI32(info, 3, fn, "lens", max);
  size_t need = static_cast<size_t>(ArgInt(info, 5, fn, "maxPacketSize", 1, kMaxTunPacket, kMaxTunPacket));
  if (buf.len > 0x7fffffff) ThrowRange(env, fn, "buf must be smaller than 2 GiB");
  size_t cursor = 0;
  size_t count = 0;
  int retries = 0;
  while (count < max && buf.len - cursor >= need) {
    ssize_t n = read(fd, buf.data + cursor, buf.len - cursor);
    if (n < 0) {
      int err = errno;
      if (err == EINTR && ++retries < 4) continue;
      if (IsAgain(err) || count > 0) break;
      ThrowErrno(env, fn, "read", err);
    }
    if (n == 0) break;
    offs[count] = static_cast<int32_t>(cursor);
    lens[count] = static_cast<int32_t>(n);
    cursor += static_cast<size_t>(n);
    count++;
  }
  return Napi::Number::New(env, static_cast<double>(count));
}

// tunWrite(fd, buf, off, len) -> bytes written (0 when the device queue is full)
Napi::Value TunWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "tunWrite";
  int fd = ArgFd(info, 0, fn);
  Bytes buf = ArgBytes(info, 1, fn, "buf");
  int32_t off = static_cast<int32_t>(ArgInt(info, 2, fn, "off", 0, 0x7fffffff));
  int32_t len = static_cast<int32_t>(ArgInt(info, 3, fn, "len", 0, 0x7fffffff));
  CheckSpans(env, fn, &off, &len, 1, buf.len);
  for (int attempt = 0; attempt < 4; attempt++) {
    ssize_t n = write(fd, buf.data + off, static_cast<size_t>(len));
    if (n >= 0) return Napi::Number::New(env, static_cast<double>(n));
    if (errno == EINTR) continue;
    if (IsAgain(errno)) return Napi::Number::New(env, 0);
    ThrowErrno(env, fn, "write", errno);
  }
  return Napi::Number::New(env, 0);
}

// tunSetSteering(fd, queues) -> undefined. Loads the eBPF steering program (steer-programs.h: queue =
// symmetric hash of the IP addresses % queues) and attaches it to the device of fd (TUNSETSTEERINGEBPF:
// one program per device, whichever queue sets it; the kernel takes the result modulo its queue count).
// queues = 0 detaches it.
Napi::Value TunSetSteering(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "tunSetSteering";
  int fd = ArgFd(info, 0, fn);
  uint32_t queues = static_cast<uint32_t>(ArgInt(info, 1, fn, "queues", 0, 256));
  if (queues == 0) {
    int none = -1;
    if (ioctl(fd, TUNSETSTEERINGEBPF, &none) < 0) ThrowErrno(env, fn, "ioctl(TUNSETSTEERINGEBPF)", errno);
    return env.Undefined();
  }
  std::vector<bpf_insn> prog = steer::TunSteeringEbpf(queues);
  static char log[4096];
  log[0] = 0;
  bpf_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  attr.insns = reinterpret_cast<uint64_t>(prog.data());
  attr.insn_cnt = static_cast<uint32_t>(prog.size());
  attr.license = reinterpret_cast<uint64_t>("GPL");
  attr.log_buf = reinterpret_cast<uint64_t>(log);
  attr.log_size = sizeof(log);
  attr.log_level = 1;
  int pfd = static_cast<int>(syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
  if (pfd < 0) {
    int err = errno;
    if (err == EACCES || err == EINVAL) {
      std::string msg = std::string(fn) + ": bpf(BPF_PROG_LOAD) refused the steering program: " + std::strerror(err) +
                        (log[0] ? std::string(" (verifier: ") + std::string(log).substr(0, 400) + ")" : "");
      throw Napi::Error::New(env, msg);
    }
    ThrowErrno(env, fn, "bpf(BPF_PROG_LOAD)", err);
  }
  int rc = ioctl(fd, TUNSETSTEERINGEBPF, &pfd);
  int err = errno;
  close(pfd);  // the device holds its own reference
  if (rc < 0) ThrowErrno(env, fn, "ioctl(TUNSETSTEERINGEBPF)", err);
  return env.Undefined();
}

}  // namespace

void InitTun(Napi::Env env, Napi::Object exports) {
  exports.Set("tunOpen", Napi::Function::New(env, TunOpen, "tunOpen"));
  exports.Set("tunRead", Napi::Function::New(env, TunRead, "tunRead"));
  exports.Set("tunWrite", Napi::Function::New(env, TunWrite, "tunWrite"));
  exports.Set("tunSetSteering", Napi::Function::New(env, TunSetSteering, "tunSetSteering"));
}

}  // namespace fg

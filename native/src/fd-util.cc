// close(fd) and sockName(fd) for descriptors opened by this addon.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common.h"

namespace fg {

namespace {

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "close");
  CloseWatchersOf(fd);  // libuv aborts if a watched fd disappears under it
  // Linux releases the fd even when close() reports EINTR: never retry.
  if (close(fd) < 0 && errno != EINTR) ThrowErrno(info.Env(), "close", "close", errno);
  return info.Env().Undefined();
}

Napi::Value SockName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0, "sockName");
  sockaddr_in sa{};
  socklen_t sl = sizeof(sa);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &sl) < 0) ThrowErrno(env, "sockName", "getsockname", errno);
  if (sa.sin_family != AF_INET) ThrowType(env, "sockName", "not an IPv4 socket");
  char text[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &sa.sin_addr, text, sizeof(text));
  Napi::Object out = Napi::Object::New(env);
  out.Set("address", Napi::String::New(env, text));
  out.Set("port", Napi::Number::New(env, ntohs(sa.sin_port)));
  return out;
}

}  // namespace

void InitFdUtil(Napi::Env env, Napi::Object exports) {
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("sockName", Napi::Function::New(env, SockName, "sockName"));
}

}  // namespace fg

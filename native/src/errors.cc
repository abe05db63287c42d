// JS exceptions for failed system calls, shaped like Node's own system errors (.code, .errno, .syscall).
#include <cerrno>
#include <cstring>
#include <string>

#include "common.h"

namespace fg {

namespace {

std::string ErrnoName(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  if (name != nullptr) return name;
#endif
  return "E" + std::to_string(err);
}

}  // namespace

void ThrowErrno(Napi::Env env, const char* fn, const char* syscall, int err) {
  std::string code = ErrnoName(err);
  std::string msg = std::string(fn) + ": " + syscall + " failed: " + std::strerror(err) + " (" + code + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Value().Set("code", Napi::String::New(env, code));
  e.Value().Set("errno", Napi::Number::New(env, -err));
  e.Value().Set("syscall", Napi::String::New(env, syscall));
  throw e;
}

void ThrowType(Napi::Env env, const char* fn, const char* what) {
  throw Napi::TypeError::New(env, std::string(fn) + ": " + what);
}

void ThrowRange(Napi::Env env, const char* fn, const char* what) {
  throw Napi::RangeError::New(env, std::string(fn) + ": " + what);
}

bool IsAgain(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace fg

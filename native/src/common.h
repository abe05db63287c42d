// Shared declarations for the fleetgate native addon (Linux only).
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace fg {

// Largest batch one call handles: the kernel caps recvmmsg/sendmmsg vlen at UIO_MAXIOV (1024).
constexpr size_t kMaxBatch = 1024;

// ---- errors.cc ----
// Throws a JS Error "<fn>: <syscall> failed: <strerror> (<ECODE>)" with .code, .errno, .syscall set.
[[noreturn]] void ThrowErrno(Napi::Env env, const char* fn, const char* syscall, int err);
[[noreturn]] void ThrowType(Napi::Env env, const char* fn, const char* what);
[[noreturn]] void ThrowRange(Napi::Env env, const char* fn, const char* what);
bool IsAgain(int err);

// ---- args.cc ---- argument readers; each validates and throws TypeError/RangeError.
struct Bytes {
  uint8_t* data;
  size_t len;
};
Bytes ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name);
int32_t* ArgI32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen);
uint32_t* ArgU32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen);
uint16_t* ArgU16(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen);
// A non-negative integer in [lo, hi]; `def` when the argument is undefined and def >= 0.
int64_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, int64_t lo, int64_t hi,
               int64_t def = -1);
int ArgFd(const Napi::CallbackInfo& info, size_t i, const char* fn);
// Checks every (offs[k], lens[k]) for k < count lies inside a buffer of bufLen bytes.
void CheckSpans(Napi::Env env, const char* fn, const int32_t* offs, const int32_t* lens, size_t count, size_t bufLen);

// ---- fd-watcher.cc ---- stops and releases every watcher of fd (call before closing it).
void CloseWatchersOf(int fd);

// ---- per-area registration ----
void InitCopy(Napi::Env env, Napi::Object exports);
void InitFdUtil(Napi::Env env, Napi::Object exports);
void InitFdWatcher(Napi::Env env, Napi::Object exports);
void InitRaw(Napi::Env env, Napi::Object exports);
void InitTun(Napi::Env env, Napi::Object exports);
void InitUdp(Napi::Env env, Napi::Object exports);

}  // namespace fg

// Argument readers: every buffer, typed array and integer from JS is checked before any syscall.
#include <cmath>
#include <string>

#include "common.h"

namespace fg {

namespace {

Napi::TypedArray TypedArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                          napi_typedarray_type type, const char* typeName) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    ThrowType(info.Env(), fn, (std::string(name) + " must be a " + typeName).c_str());
  }
  return v.As<Napi::TypedArray>();
}

template <typename T>
T* TypedData(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen,
             napi_typedarray_type type, const char* typeName) {
  Napi::TypedArray a = TypedArg(info, i, fn, name, type, typeName);
  if (a.ElementLength() < minLen) {
    ThrowRange(info.Env(), fn, (std::string(name) + " is shorter than the batch count").c_str());
  }
  if (minLen == 0) return nullptr;
  return reinterpret_cast<T*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

}  // namespace

Bytes ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  Napi::TypedArray a = TypedArg(info, i, fn, name, napi_uint8_array, "Uint8Array or Buffer");
  size_t len = a.ByteLength();
  if (len == 0) return Bytes{nullptr, 0};
  return Bytes{static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset(), len};
}

int32_t* ArgI32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen) {
  return TypedData<int32_t>(info, i, fn, name, minLen, napi_int32_array, "Int32Array");
}

uint32_t* ArgU32(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen) {
  return TypedData<uint32_t>(info, i, fn, name, minLen, napi_uint32_array, "Uint32Array");
}

uint16_t* ArgU16(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, size_t minLen) {
  return TypedData<uint16_t>(info, i, fn, name, minLen, napi_uint16_array, "Uint16Array");
}

int64_t ArgInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, int64_t lo, int64_t hi,
               int64_t def) {
  Napi::Value v = info[i];
  if (v.IsUndefined() && def >= 0) return def;
  if (!v.IsNumber()) ThrowType(info.Env(), fn, (std::string(name) + " must be a number").c_str());
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    ThrowRange(info.Env(), fn,
               (std::string(name) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]")
                   .c_str());
  }
  return static_cast<int64_t>(d);
}

// fds 0-2 are refused so that a stale number in JS can never close or read stdio.
int ArgFd(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  return static_cast<int>(ArgInt(info, i, fn, "fd", 3, 0x7fffffff));
}

void CheckSpans(Napi::Env env, const char* fn, const int32_t* offs, const int32_t* lens, size_t count, size_t bufLen) {
  for (size_t k = 0; k < count; k++) {
    int64_t o = offs[k];
    int64_t l = lens[k];
    if (o < 0 || l < 0 || static_cast<uint64_t>(o + l) > bufLen) {
      ThrowRange(env, fn, ("packet " + std::to_string(k) + " (offs/lens) lies outside buf").c_str());
    }
  }
}

}  // namespace fg

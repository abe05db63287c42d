// Module entry: registers each area's functions on the exports object.
#include "common.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  fg::InitCopy(env, exports);
  fg::InitFdUtil(env, exports);
  fg::InitFdWatcher(env, exports);
  fg::InitRaw(env, exports);
  fg::InitTun(env, exports);
  fg::InitUdp(env, exports);
  exports.Set("abiVersion", Napi::Number::New(env, 4));
  return exports;
}

}  // namespace

NODE_API_MODULE(fleetgate_native, Init)

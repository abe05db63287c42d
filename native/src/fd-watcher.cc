// FdWatcher: calls a JS function on the loop thread whenever an fd is readable (libuv uv_poll_t).
//
// Why uv_poll and not fs.createReadStream: a read stream on a TUN/socket fd runs blocking read()s in
// the libuv thread pool (4 threads shared with fs/dns/zlib), one packet per read, and cannot do
// recvmmsg. uv_poll_t sits in the event loop's own epoll set, costs no thread, and lets the JS side
// drain a whole batch with one tunRead/udpRecvBatch call per wake-up.
//
// Lifetime: the uv handle lives in its own heap block that is freed by uv_close's callback, so the JS
// object may be collected at any time after close(). While started, the JS object holds a strong
// reference to itself, so a running watcher is never collected even when the caller drops it.
//
// libuv aborts the process when a polled fd is closed under an active handle (epoll_ctl EBADF), so
// the addon's close(fd) first closes every watcher of that fd (CloseWatchersOf). An fd closed by
// other means (fs.closeSync) while watched is still the caller's bug.
#include <uv.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "common.h"

namespace fg {

namespace {

class FdWatcher;
// Open watchers of this thread (each worker_thread has its own loop and addon instance).
thread_local std::vector<FdWatcher*> tOpenWatchers;

class FdWatcher : public Napi::ObjectWrap<FdWatcher> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "FdWatcher",
                       {InstanceMethod<&FdWatcher::Start>("start"), InstanceMethod<&FdWatcher::Stop>("stop"),
                        InstanceMethod<&FdWatcher::Close>("close"), InstanceMethod<&FdWatcher::SetRef>("ref"),
                        InstanceMethod<&FdWatcher::SetUnref>("unref")});
  }

  explicit FdWatcher(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FdWatcher>(info) {
    Napi::Env env = info.Env();
    int fd = ArgFd(info, 0, "FdWatcher");
    if (!info[1].IsFunction()) ThrowType(env, "FdWatcher", "onReadable must be a function");
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      ThrowType(env, "FdWatcher", "no libuv loop in this environment");
    }
    auto h = std::make_unique<Handle>();
    int r = uv_poll_init(loop, &h->poll, fd);
    if (r < 0) ThrowErrno(env, "FdWatcher", "uv_poll_init", -r);
    h->owner = this;
    h->poll.data = h.get();
    handle_ = h.release();
    fd_ = fd;
    tOpenWatchers.push_back(this);
    cb_ = Napi::Persistent(info[1].As<Napi::Function>());
    ctx_ = std::make_unique<Napi::AsyncContext>(env, "FleetgateFdWatcher");
  }

  ~FdWatcher() override { CloseHandle(); }

  int fd() const { return fd_; }

  void StopPoll() {
    if (!active_) return;
    uv_poll_stop(&handle_->poll);
    active_ = false;
    Unref();
  }

  void CloseHandle() {
    if (handle_ == nullptr) return;
    tOpenWatchers.erase(std::remove(tOpenWatchers.begin(), tOpenWatchers.end(), this), tOpenWatchers.end());
    uv_poll_stop(&handle_->poll);
    handle_->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&handle_->poll),
             [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
    handle_ = nullptr;
  }

 private:
  struct Handle {
    uv_poll_t poll;
    FdWatcher* owner;
  };

  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (handle_ == nullptr) ThrowType(info.Env(), "FdWatcher.start", "watcher is closed");
    if (!active_) {
      int r = uv_poll_start(&handle_->poll, UV_READABLE, OnPoll);
      if (r < 0) ThrowErrno(info.Env(), "FdWatcher.start", "uv_poll_start", -r);
      active_ = true;
      Ref();
    }
    return info.Env().Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    StopPoll();
    return info.Env().Undefined();
  }

  // Stops watching and releases the handle; the fd itself stays open (close it after this).
  Napi::Value Close(const Napi::CallbackInfo& info) {
    StopPoll();
    CloseHandle();
    return info.Env().Undefined();
  }

  Napi::Value SetRef(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(&handle_->poll));
    return info.Env().Undefined();
  }

  Napi::Value SetUnref(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(&handle_->poll));
    return info.Env().Undefined();
  }

  // Runs on the loop thread. status < 0 (e.g. -EBADF): the watcher stops itself and reports it.
  static void OnPoll(uv_poll_t* p, int status, int /*events*/) {
    FdWatcher* self = static_cast<Handle*>(p->data)->owner;
    if (self == nullptr || !self->active_) return;
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    if (status < 0) self->StopPoll();
    try {
      self->cb_.MakeCallback(self->Value(), {Napi::Number::New(env, status)}, *self->ctx_);
    } catch (const Napi::Error& e) {
      // The callback threw: surface it as an uncaught exception, exactly like a throwing JS timer.
      napi_fatal_exception(env, e.Value());
    }
  }

  Handle* handle_ = nullptr;
  int fd_ = -1;
  bool active_ = false;
  Napi::FunctionReference cb_;
  std::unique_ptr<Napi::AsyncContext> ctx_;
};

}  // namespace

void CloseWatchersOf(int fd) {
  // Copy first: CloseHandle edits the list. Bounded by the number of open watchers.
  std::vector<FdWatcher*> hit;
  for (FdWatcher* w : tOpenWatchers) {
    if (w->fd() == fd) hit.push_back(w);
  }
  for (FdWatcher* w : hit) {
    w->StopPoll();
    w->CloseHandle();
  }
}

void InitFdWatcher(Napi::Env env, Napi::Object exports) { exports.Set("FdWatcher", FdWatcher::Define(env)); }

}  // namespace fg

// sendmmsg/recvmmsg over per-thread scratch arrays: nothing is allocated per call or per packet.
#include "mmsg.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace fg {

namespace {

// One set per thread: the addon may be loaded in several worker_threads at once.
thread_local mmsghdr tMsgs[kMaxBatch];
thread_local iovec tIovs[kMaxBatch];
thread_local sockaddr_in tAddrs[kMaxBatch];
// SendSegmented: one UDP_SEGMENT control message and the datagram count per message
thread_local char tCtl[kMaxBatch][CMSG_SPACE(sizeof(uint16_t))];
thread_local uint16_t tSegs[kMaxBatch];

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
// what one GSO message may carry: the kernel's UDP_MAX_SEGMENTS (64 before 6.x) and an IPv4 datagram
constexpr size_t kMaxSegments = 64;
constexpr size_t kMaxGsoBytes = 65507;

}  // namespace

int SendBatch(Napi::Env env, const char* fn, int fd, const Bytes& buf, const int32_t* offs, const int32_t* lens,
              const uint32_t* dstAddr, const uint16_t* dstPort, size_t count) {
  if (count == 0) return 0;
  CheckSpans(env, fn, offs, lens, count, buf.len);
  for (size_t k = 0; k < count; k++) {
    sockaddr_in& sa = tAddrs[k];
    std::memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(dstAddr[k]);
    sa.sin_port = dstPort != nullptr ? htons(dstPort[k]) : 0;
    tIovs[k].iov_base = buf.data + offs[k];
    tIovs[k].iov_len = static_cast<size_t>(lens[k]);
    msghdr& h = tMsgs[k].msg_hdr;
    std::memset(&h, 0, sizeof(h));
    h.msg_name = &sa;
    h.msg_namelen = sizeof(sa);
    h.msg_iov = &tIovs[k];
    h.msg_iovlen = 1;
    tMsgs[k].msg_len = 0;
  }
  for (int attempt = 0; attempt < 4; attempt++) {
    int r = sendmmsg(fd, tMsgs, static_cast<unsigned>(count), MSG_DONTWAIT);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    if (IsAgain(errno) || errno == ENOBUFS) return 0;
    ThrowErrno(env, fn, "sendmmsg", errno);
  }
  return 0;
}

int SendSegmented(Napi::Env env, const char* fn, int fd, const Bytes& buf, const int32_t* offs, const int32_t* lens,
                  const uint32_t* dstAddr, const uint16_t* dstPort, size_t count) {
  if (count == 0) return 0;
  CheckSpans(env, fn, offs, lens, count, buf.len);
  size_t m = 0;
  for (size_t i = 0; i < count;) {
    const size_t len = static_cast<size_t>(lens[i]);
    size_t j = i + 1;
    size_t total = len;
    // a run of equal lengths to one destination: the kernel cuts the message every `len` bytes
    while (len > 0 && j < count && j - i < kMaxSegments && static_cast<size_t>(lens[j]) == len && dstAddr[j] == dstAddr[i] &&
           dstPort[j] == dstPort[i] && total + len <= kMaxGsoBytes) {
      total += len;
      j++;
    }
    for (size_t k = i; k < j; k++) {
      tIovs[k].iov_base = buf.data + offs[k];
      tIovs[k].iov_len = static_cast<size_t>(lens[k]);
    }
    sockaddr_in& sa = tAddrs[m];
    std::memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(dstAddr[i]);
    sa.sin_port = htons(dstPort[i]);
    msghdr& h = tMsgs[m].msg_hdr;
    std::memset(&h, 0, sizeof(h));
    h.msg_name = &sa;
    h.msg_namelen = sizeof(sa);
    h.msg_iov = &tIovs[i];
    h.msg_iovlen = j - i;
    if (j - i > 1) {
      h.msg_control = tCtl[m];
      h.msg_controllen = sizeof(tCtl[m]);
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      const uint16_t gso = static_cast<uint16_t>(len);
      std::memcpy(CMSG_DATA(c), &gso, sizeof(gso));
    }
    tMsgs[m].msg_len = 0;
    tSegs[m] = static_cast<uint16_t>(j - i);
    m++;
    i = j;
  }
  for (int attempt = 0; attempt < 4; attempt++) {
    int r = sendmmsg(fd, tMsgs, static_cast<unsigned>(m), MSG_DONTWAIT);
    if (r >= 0) {
      int sent = 0;
      for (int k = 0; k < r; k++) sent += tSegs[k];
      return sent;
    }
    if (errno == EINTR) continue;
    if (IsAgain(errno) || errno == ENOBUFS) return 0;
    ThrowErrno(env, fn, "sendmmsg", errno);
  }
  return 0;
}

int RecvBatch(Napi::Env env, const char* fn, int fd, const Bytes& buf, size_t slot, int32_t* offs, int32_t* lens,
              uint32_t* srcAddr, uint16_t* srcPort, size_t max) {
  if (slot == 0 || slot > 0x7fffffff) ThrowRange(env, fn, "slotSize must be in [1, 2^31)");
  size_t fit = buf.len / slot;
  size_t n = max < fit ? max : fit;
  if (n > kMaxBatch) n = kMaxBatch;
  if (n == 0) return 0;
  for (size_t k = 0; k < n; k++) {
    tIovs[k].iov_base = buf.data + k * slot;
    tIovs[k].iov_len = slot;
    msghdr& h = tMsgs[k].msg_hdr;
    std::memset(&h, 0, sizeof(h));
    h.msg_name = &tAddrs[k];
    h.msg_namelen = sizeof(sockaddr_in);
    h.msg_iov = &tIovs[k];
    h.msg_iovlen = 1;
    tMsgs[k].msg_len = 0;
  }
  int r = -1;
  for (int attempt = 0; attempt < 4 && r < 0; attempt++) {
    r = recvmmsg(fd, tMsgs, static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    if (r >= 0) break;
    if (errno == EINTR) continue;
    if (IsAgain(errno)) return 0;
    ThrowErrno(env, fn, "recvmmsg", errno);
  }
  if (r < 0) return 0;
  for (int k = 0; k < r; k++) {
    offs[k] = static_cast<int32_t>(k * slot);
    // A datagram longer than the slot is cut to the slot (MSG_TRUNC); size slots for the largest one.
    lens[k] = static_cast<int32_t>(tMsgs[k].msg_len);
    srcAddr[k] = ntohl(tAddrs[k].sin_addr.s_addr);
    if (srcPort != nullptr) srcPort[k] = ntohs(tAddrs[k].sin_port);
  }
  return r;
}

}  // namespace fg

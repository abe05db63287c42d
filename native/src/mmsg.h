// Batched IPv4 datagram send/receive shared by the UDP and raw sockets (sendmmsg/recvmmsg).
#pragma once

#include "common.h"

namespace fg {

// Sends packet k = buf[offs[k], offs[k]+lens[k]) to dstAddr[k]:dstPort[k] (dstPort null for raw
// sockets). Returns how many the kernel took (0 when the send buffer is full).
int SendBatch(Napi::Env env, const char* fn, int fd, const Bytes& buf, const int32_t* offs, const int32_t* lens,
              const uint32_t* dstAddr, const uint16_t* dstPort, size_t count);

// SendBatch with UDP GSO: each run of consecutive equal-length datagrams to the same destination becomes
// one message (UDP_SEGMENT); one sendmmsg for all. Returns how many DATAGRAMS were sent (whole messages).
int SendSegmented(Napi::Env env, const char* fn, int fd, const Bytes& buf, const int32_t* offs, const int32_t* lens,
                  const uint32_t* dstAddr, const uint16_t* dstPort, size_t count);

// Receives up to max datagrams, datagram k into buf[k*slot, (k+1)*slot). Returns the count (0 when
// nothing is queued). Fills offs, lens, srcAddr and (when not null) srcPort for k < count.
int RecvBatch(Napi::Env env, const char* fn, int fd, const Bytes& buf, size_t slot, int32_t* offs, int32_t* lens,
              uint32_t* srcAddr, uint16_t* srcPort, size_t max);

}  // namespace fg

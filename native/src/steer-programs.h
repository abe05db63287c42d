// Hand-assembled steering programs: both compute the same symmetric flow hash of an IP packet's
// addresses, so both directions of a flow land on the same worker, whichever way they arrive:
//   IPv4: h = src ^ dst                     (the 32-bit words as read big-endian)
//   IPv6: h = XOR of the 4 words of src and the 4 words of dst
//   h ^= h >> 16; h ^= h >> 8; return h % n  (anything that is not IP, or too short: 0)
// The TypeScript reference is src/io/native/flow-hash.ts.
// - TunSteeringEbpf: an eBPF socket filter for TUNSETSTEERINGEBPF; for an IFF_TUN | IFF_NO_PI device the
//   skb data starts at the IP header. BPF_LD_ABS returns words in host order (ntohl), as cBPF does.
// - ReuseportCbpf: a classic BPF program for SO_ATTACH_REUSEPORT_CBPF on a UDP tunnel socket. The
//   kernel runs it with the data pulled past the UDP header (net/core/sock_reuseport.c run_bpf_filter:
//   pskb_pull(skb, hdr_len)), so offset 0 is the tunnel header; it skips the tunnel header (VXLAN,
//   GENEVE with options, GTP-U with optional fields and up to 4 extension headers) and an inner
//   Ethernet header (+ one 802.1Q tag) and hashes the inner IP addresses. Out-of-bounds loads make
//   classic BPF return 0, so short or odd datagrams go to worker 0 (never dropped: the kernel only
//   uses the index to pick a socket of the group). kVxlanGeneve takes either tunnel (see SteerKind).
#pragma once

#include <linux/bpf.h>
#include <linux/filter.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace fg {

// kVxlanGeneve: one program for a socket group whose peers speak VXLAN or GENEVE (a redirection primary
// and standby of two protocols): bytes 2-3 of the tunnel header are reserved (zero) in VXLAN (RFC 7348)
// and the protocol type in GENEVE (0x6558 / 0x0800 / 0x86DD, never zero), so they tell the two apart.
enum class SteerKind { kVxlan, kGeneve, kGtpu, kVxlanGeneve };

namespace steer {

// ---------------- eBPF ----------------
inline bpf_insn Ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i;
  std::memset(&i, 0, sizeof(i));
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}

// r0 = ntohl/ntohs(*(skb->data + k)) of the given size (BPF_W / BPF_H / BPF_B); needs r6 = ctx.
inline bpf_insn LdAbs(uint8_t size, int32_t k) { return Ins(BPF_LD | BPF_ABS | size, 0, 0, 0, k); }

inline std::vector<bpf_insn> TunSteeringEbpf(uint32_t n) {
  std::vector<bpf_insn> p;
  const uint8_t alu32 = BPF_ALU;
  p.push_back(Ins(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0));  // r6 = ctx
  p.push_back(LdAbs(BPF_B, 0));
  p.push_back(Ins(alu32 | BPF_RSH | BPF_K, 0, 0, 0, 4));     // w0 = version
  size_t jV4 = p.size();
  p.push_back(Ins(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, 4));
  size_t jV6 = p.size();
  p.push_back(Ins(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, 6));
  p.push_back(Ins(alu32 | BPF_MOV | BPF_K, 0, 0, 0, 0));
  p.push_back(Ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  // IPv4
  p[jV4].off = static_cast<int16_t>(p.size() - jV4 - 1);
  p.push_back(LdAbs(BPF_W, 12));
  p.push_back(Ins(alu32 | BPF_MOV | BPF_X, 7, 0, 0, 0));
  p.push_back(LdAbs(BPF_W, 16));
  p.push_back(Ins(alu32 | BPF_XOR | BPF_X, 7, 0, 0, 0));
  size_t jMix = p.size();
  p.push_back(Ins(BPF_JMP | BPF_JA, 0, 0, 0, 0));
  // IPv6: words at 8..36
  p[jV6].off = static_cast<int16_t>(p.size() - jV6 - 1);
  p.push_back(LdAbs(BPF_W, 8));
  p.push_back(Ins(alu32 | BPF_MOV | BPF_X, 7, 0, 0, 0));
  for (int32_t k = 12; k <= 36; k += 4) {
    p.push_back(LdAbs(BPF_W, k));
    p.push_back(Ins(alu32 | BPF_XOR | BPF_X, 7, 0, 0, 0));
  }
  // mix: w7 ^= w7 >> 16; w7 ^= w7 >> 8; w0 = w7 % n
  p[jMix].off = static_cast<int16_t>(p.size() - jMix - 1);
  p.push_back(Ins(alu32 | BPF_MOV | BPF_X, 0, 7, 0, 0));
  p.push_back(Ins(alu32 | BPF_RSH | BPF_K, 0, 0, 0, 16));
  p.push_back(Ins(alu32 | BPF_XOR | BPF_X, 7, 0, 0, 0));
  p.push_back(Ins(alu32 | BPF_MOV | BPF_X, 0, 7, 0, 0));
  p.push_back(Ins(alu32 | BPF_RSH | BPF_K, 0, 0, 0, 8));
  p.push_back(Ins(alu32 | BPF_XOR | BPF_X, 7, 0, 0, 0));
  p.push_back(Ins(alu32 | BPF_MOV | BPF_X, 0, 7, 0, 0));
  p.push_back(Ins(alu32 | BPF_MOD | BPF_K, 0, 0, 0, static_cast<int32_t>(n)));
  p.push_back(Ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  return p;
}

// ---------------- classic BPF ----------------
// A tiny assembler with forward labels (classic BPF only jumps forward).
class Cbpf {
 public:
  std::vector<sock_filter> p;
  enum Label { kEth, kIpx, kV4, kV6, kMix, kRet0, kGen, kLabels };

  void S(uint16_t code, uint32_t k) { p.push_back(sock_filter{code, 0, 0, k}); }
  // if (A == k) goto t else goto f; a label of -1 means "the next instruction".
  void Jeq(uint32_t k, int t, int f = -1) {
    Fix(t, p.size(), true);
    Fix(f, p.size(), false);
    p.push_back(sock_filter{static_cast<uint16_t>(BPF_JMP | BPF_JEQ | BPF_K), 0, 0, k});
  }
  void Ja(int label) {
    fixes_.push_back({label, p.size(), 2});
    S(BPF_JMP | BPF_JA, 0);
  }
  void Here(int label) { at_[label] = static_cast<int>(p.size()); }
  // Resolves the jumps; false when one is out of range (cannot happen for these programs).
  bool Resolve() {
    for (const auto& f : fixes_) {
      if (at_[f.label] < 0) return false;
      size_t d = static_cast<size_t>(at_[f.label]) - f.at - 1;
      if (f.which == 2) {
        p[f.at].k = static_cast<uint32_t>(d);
      } else {
        if (d > 255) return false;
        (f.which == 1 ? p[f.at].jt : p[f.at].jf) = static_cast<uint8_t>(d);
      }
    }
    return true;
  }

 private:
  struct Fixup {
    int label;
    size_t at;
    int which;  // 1 = jt, 0 = jf, 2 = ja
  };
  std::vector<Fixup> fixes_;
  int at_[kLabels] = {-1, -1, -1, -1, -1, -1, -1};
  void Fix(int label, size_t at, bool jt) {
    if (label >= 0) fixes_.push_back({label, at, jt ? 1 : 0});
  }
};

inline std::vector<sock_filter> ReuseportCbpf(SteerKind kind, uint32_t n) {
  Cbpf a;
  const uint16_t ldb = BPF_LD | BPF_B | BPF_ABS, ldh = BPF_LD | BPF_H | BPF_ABS;
  const uint16_t ldbx = BPF_LD | BPF_B | BPF_IND, ldhx = BPF_LD | BPF_H | BPF_IND, ldwx = BPF_LD | BPF_W | BPF_IND;
  const uint16_t ldxk = BPF_LDX | BPF_W | BPF_IMM, ldxm = BPF_LDX | BPF_W | BPF_MEM;
  const uint16_t st = BPF_ST, stx = BPF_STX, tax = BPF_MISC | BPF_TAX, txa = BPF_MISC | BPF_TXA;
  const uint16_t andk = BPF_ALU | BPF_AND | BPF_K, lshk = BPF_ALU | BPF_LSH | BPF_K, rshk = BPF_ALU | BPF_RSH | BPF_K;
  const uint16_t addk = BPF_ALU | BPF_ADD | BPF_K, addx = BPF_ALU | BPF_ADD | BPF_X, subk = BPF_ALU | BPF_SUB | BPF_K;
  const uint16_t xorx = BPF_ALU | BPF_XOR | BPF_X, modk = BPF_ALU | BPF_MOD | BPF_K;
  const uint16_t retk = BPF_RET | BPF_K, reta = BPF_RET | BPF_A;
  switch (kind) {
    case SteerKind::kVxlan:  // 8-byte header, then Ethernet
      a.S(ldxk, 8);
      a.Ja(Cbpf::kEth);
      break;
    case SteerKind::kVxlanGeneve:  // bytes 2-3 zero: VXLAN (as kVxlan), else GENEVE (as kGeneve)
      a.S(ldh, 2);
      a.Jeq(0, -1, Cbpf::kGen);
      a.S(ldxk, 8);
      a.Ja(Cbpf::kEth);
      a.Here(Cbpf::kGen);
      [[fallthrough]];
    case SteerKind::kGeneve:  // 8 bytes + options (byte 0 low 6 bits x 4), protocol type at 2
      a.S(ldb, 0);
      a.S(andk, 0x3f);
      a.S(lshk, 2);
      a.S(addk, 8);
      a.S(tax, 0);
      a.S(ldh, 2);
      a.Jeq(0x6558, Cbpf::kEth);
      a.Jeq(0x0800, Cbpf::kIpx);
      a.Jeq(0x86dd, Cbpf::kIpx);
      a.S(retk, 0);
      break;
    case SteerKind::kGtpu: {  // G-PDU only; 8 bytes, 12 with E/S/PN, then extension headers when E
      a.S(ldb, 1);
      a.Jeq(0xff, -1, Cbpf::kRet0);
      a.S(ldb, 0);
      a.S(andk, 0x07);
      a.S(ldxk, 8);
      a.Jeq(0, Cbpf::kIpx);
      a.S(ldxk, 12);
      a.S(ldb, 0);
      a.S(andk, 0x04);
      a.Jeq(0, Cbpf::kIpx);
      a.S(ldb, 11);  // next extension header type; X = where that header starts
      for (int step = 0; step < 4; step++) {
        a.Jeq(0, Cbpf::kIpx);
        a.S(ldbx, 0);  // its length in 4-byte units
        a.Jeq(0, Cbpf::kRet0);
        a.S(lshk, 2);
        a.S(addx, 0);  // A = end of this extension header
        a.S(st, 0);
        a.S(subk, 1);
        a.S(tax, 0);
        a.S(ldbx, 0);  // its last byte: the next type
        a.S(ldxm, 0);
      }
      a.Jeq(0, Cbpf::kIpx);
      a.S(retk, 0);
      break;
    }
  }
  if (kind != SteerKind::kGtpu) {
    // X = start of an Ethernet frame; one 802.1Q tag; IP or nothing
    a.Here(Cbpf::kEth);
    a.S(ldhx, 12);
    size_t tagged = a.p.size();  // jt: the tagged path right below; jf patched to the untagged one
    a.S(BPF_JMP | BPF_JEQ | BPF_K, 0x8100);
    a.S(ldhx, 16);
    size_t t1 = a.p.size();
    a.S(BPF_JMP | BPF_JEQ | BPF_K, 0x0800);
    size_t t2 = a.p.size();
    a.S(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd);
    a.S(retk, 0);
    size_t e18 = a.p.size();
    a.S(txa, 0);
    a.S(addk, 18);
    a.S(tax, 0);
    a.Ja(Cbpf::kIpx);
    // (untagged)
    size_t untagged = a.p.size();
    size_t u1 = a.p.size();
    a.S(BPF_JMP | BPF_JEQ | BPF_K, 0x0800);
    size_t u2 = a.p.size();
    a.S(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd);
    a.S(retk, 0);
    size_t e14 = a.p.size();
    a.S(txa, 0);
    a.S(addk, 14);
    a.S(tax, 0);
    a.Ja(Cbpf::kIpx);
    a.p[tagged].jf = static_cast<uint8_t>(untagged - tagged - 1);
    a.p[t1].jt = static_cast<uint8_t>(e18 - t1 - 1);
    a.p[t2].jt = static_cast<uint8_t>(e18 - t2 - 1);
    a.p[u1].jt = static_cast<uint8_t>(e14 - u1 - 1);
    a.p[u2].jt = static_cast<uint8_t>(e14 - u2 - 1);
  }
  // X = start of the IP header
  a.Here(Cbpf::kIpx);
  a.S(ldbx, 0);
  a.S(rshk, 4);
  a.Jeq(4, Cbpf::kV4);
  a.Jeq(6, Cbpf::kV6);
  a.Here(Cbpf::kRet0);
  a.S(retk, 0);
  a.Here(Cbpf::kV4);
  a.S(ldwx, 12);
  a.S(st, 1);
  a.S(ldwx, 16);
  a.S(ldxm, 1);
  a.S(xorx, 0);
  a.Ja(Cbpf::kMix);
  a.Here(Cbpf::kV6);
  a.S(stx, 2);
  a.S(ldwx, 8);
  a.S(st, 1);
  for (uint32_t k = 12; k <= 36; k += 4) {
    a.S(ldxm, 2);
    a.S(ldwx, k);
    a.S(ldxm, 1);
    a.S(xorx, 0);
    a.S(st, 1);
  }
  a.Here(Cbpf::kMix);
  a.S(tax, 0);
  a.S(rshk, 16);
  a.S(xorx, 0);
  a.S(tax, 0);
  a.S(rshk, 8);
  a.S(xorx, 0);
  a.S(modk, n);
  a.S(reta, 0);
  if (!a.Resolve()) a.p.clear();
  return a.p;
}

}  // namespace steer
}  // namespace fg

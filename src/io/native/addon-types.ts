// The shape of the native addon (native/src/*.cc). Linux only; IPv4 only.
// Conventions: fds are plain numbers (never 0-2); IPv4 addresses are host-order u32
// (127.0.0.1 = 0x7f000001, as parseIPv4 returns); every batch call takes caller-owned buffers and
// typed arrays, so nothing is allocated per packet; errors throw an Error whose message names the
// function, the syscall and errno text, with Node-style .code ('EPERM'), .errno (-1) and .syscall.
// EAGAIN is not an error: receive calls return 0, send calls return how many the kernel took.

/** Calls onReadable on the event loop thread while the fd is readable (level-triggered: drain it). */
export interface FdWatcher {
  start(): void;
  stop(): void;
  /** Stops and releases the poll handle; does NOT close the fd (close it afterwards). */
  close(): void;
  ref(): void;
  unref(): void;
}

/**
 * status is 0 when readable; a negative errno (e.g. -9 for EBADF) when polling failed, in which
 * case the watcher has already stopped itself. A throwing callback becomes an uncaught exception.
 */
export type ReadableCallback = (status: number) => void;

export interface FdWatcherConstructor {
  new (fd: number, onReadable: ReadableCallback): FdWatcher;
}

export interface TunOpenOptions {
  /** IFF_MULTI_QUEUE: open the same name several times, one queue per worker. */
  multiQueue?: boolean;
}

export interface TunHandle {
  fd: number;
  /** The kernel's name for the device ('' or 'fg%d' let the kernel pick). */
  name: string;
  mtu: number;
}

export interface UdpOpenOptions {
  reusePort?: boolean;
  /** Socket buffer sizes in bytes; as root SO_*BUFFORCE lifts the sysctl cap. */
  rcvbuf?: number;
  sndbuf?: number;
}

/** A batched UDP send: datagram k = buf[offs[k], offs[k] + lens[k]) to dstAddrU32[k]:dstPort[k], k < count. */
export type UdpSendFn = (fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, dstAddrU32: Uint32Array, dstPort: Uint16Array, count: number) => number;

/** The tunnel format(s) a SO_REUSEPORT steering program reads (udpSetReuseportSteering). */
export type ReuseportSteerKind = 'vxlan' | 'geneve' | 'gtpu' | 'vxlan+geneve';

export interface NativeAddon {
  /** Bumped when the native API changes; the loader refuses a stale build. */
  readonly abiVersion: number;

  /** memmove of dst[dstOff, dstOff + n) = src[srcOff, srcOff + n); throws RangeError outside either array. */
  copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, n: number): void;

  /** Opens /dev/net/tun as IFF_TUN | IFF_NO_PI (bare IP packets), non-blocking. Needs CAP_NET_ADMIN. */
  tunOpen(name: string, opts?: TunOpenOptions): TunHandle;
  /**
   * Reads up to maxPackets packets packed back to back from buf[0] (offs/lens out). Stops at EAGAIN or
   * when fewer than maxPacketSize (default 65535; pass the MTU) bytes remain. Returns the count.
   */
  tunRead(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, maxPackets: number, maxPacketSize?: number): number;
  /** Writes one IP packet; returns bytes written, 0 when the queue is full. */
  tunWrite(fd: number, buf: Uint8Array, off: number, len: number): number;
  /**
   * Attaches an eBPF steering program to the (multi-queue) device of fd (TUNSETSTEERINGEBPF): a packet
   * the kernel sends into the device goes to queue flowHash(src, dst) % queues (see flow-hash.ts), so
   * both directions of a flow meet on one queue. One program per device; queues = 0 detaches it.
   * Needs CAP_NET_ADMIN and CAP_BPF (root).
   */
  tunSetSteering(fd: number, queues: number): void;

  /** socket(AF_INET, SOCK_RAW, protocol), e.g. 47 for GRE. Needs CAP_NET_RAW. */
  rawOpen(protocol: number): number;
  /** sendmmsg; the kernel adds the IPv4 header. count <= 1024. Returns how many were sent. */
  rawSendBatch(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, dstAddrsU32: Uint32Array, count: number): number;
  /**
   * recvmmsg into slots buf[k*slotSize, (k+1)*slotSize). Linux raw sockets deliver the IPv4 header
   * too: the payload starts at off + (buf[off] & 0x0f) * 4.
   */
  rawRecvBatch(
    fd: number,
    buf: Uint8Array,
    slotSize: number,
    offs: Int32Array,
    lens: Int32Array,
    srcAddrsU32: Uint32Array,
    max: number,
  ): number;

  /** A bound, non-blocking IPv4 UDP socket; port 0 picks one (see sockName). */
  udpOpen(bindAddr: string, port: number, opts?: UdpOpenOptions): number;
  /** recvmmsg(MSG_DONTWAIT) into slots of slotSize bytes (longer datagrams are cut); max <= 1024 used. */
  udpRecvBatch(
    fd: number,
    buf: Uint8Array,
    slotSize: number,
    offs: Int32Array,
    lens: Int32Array,
    srcAddrU32: Uint32Array,
    srcPort: Uint16Array,
    max: number,
  ): number;
  /** sendmmsg(MSG_DONTWAIT); count <= 1024. Returns how many were sent (0 when the buffer is full). */
  udpSendBatch: UdpSendFn;

  /**
   * udpSendBatch with UDP GSO (UDP_SEGMENT): each run of consecutive equal-length datagrams to the same
   * destination (up to 64, <= 64 KiB) goes as one message the kernel routes once and cuts into datagrams;
   * the receiver sees ordinary datagrams. Same arguments and result (datagrams sent; whole runs only).
   * Throws EIO / EINVAL where the route or device cannot segment: use udpSendBatch then.
   */
  udpSendSegmented: UdpSendFn;

  /**
   * SO_ATTACH_REUSEPORT_CBPF on a bound SO_REUSEPORT tunnel socket: each datagram goes to the group's
   * socket number flowHash(inner src, inner dst) % workers (bind order), read through the VXLAN, GENEVE
   * or GTP-U header (and an inner Ethernet header); non-IP inner frames go to socket 0. One program per
   * group: set it once, on any member. 'vxlan+geneve' reads both (bytes 2-3 of the tunnel header: zero
   * in VXLAN, the protocol type in GENEVE), for a group whose peers speak either.
   */
  udpSetReuseportSteering(fd: number, kind: ReuseportSteerKind, workers: number): void;

  sockName(fd: number): { address: string; port: number };
  close(fd: number): void;
  FdWatcher: FdWatcherConstructor;
}

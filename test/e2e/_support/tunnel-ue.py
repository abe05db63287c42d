#!/usr/bin/env python3
# A user-space tunnel endpoint for a device in the e2e tests (the lab kernel has no GTP or GENEVE
# module). A TUN (or TAP) device carries the device's traffic; everything the kernel routes into it
# leaves encapsulated over UDP to the gateway, and what the gateway sends back is checked and
# decapsulated into the device. Modes:
#   gtpu        TUN; G-PDUs with TEID <id> over UDP 2152; replies must carry TEID <id>, or
#               <downlink id> when given (the TEID the device side allocated for downlink)
#   geneve-ip   TUN; GENEVE VNI <id>, protocol 0x0800 (IPv4, no Ethernet; 0x86DD for IPv6) and one
#               8-byte option TLV (as AWS GWLB sends); replies must carry the same VNI, protocol (the
#               one of the IP version inside) and option bytes
#   geneve-eth  TAP; GENEVE VNI <id>, protocol 0x6558 (Ethernet), no options (what a Linux geneve
#               device sends; the kernel on the TAP does ARP); replies must carry the same VNI
# Prints 'tunnel-ue: ready' once set up and, on SIGTERM/SIGINT, 'tunnel-ue: stats {json}' with
# sent, received, badHeader (wrong TEID/VNI/protocol/options) and other (not a data packet).
#
# usage: tunnel-ue.py <mode> <ifname> <ue addr/prefix> <route cmd args> <local addr> <gateway addr> <id> [<downlink id>]
from __future__ import annotations

import fcntl, json, os, select, signal, socket, struct, subprocess, sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
GENEVE_OPTION = bytes([0x01, 0x08, 0x01, 0x01, 0xde, 0xad, 0xbe, 0xef])  # class 0x0108, type 1, 4 data bytes


def main() -> None:
    mode, name, ue_addr, route, local, gw, ident = sys.argv[1:8]
    tid = int(ident)
    down_tid = int(sys.argv[8]) if len(sys.argv) > 8 else tid
    tap = mode == 'geneve-eth'
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI))
    for cmd in (f'ip addr add {ue_addr} dev {name}', f'ip link set {name} up', f'ip route add {route}'):
        subprocess.run(cmd, shell=True, check=True)
    port = 2152 if mode == 'gtpu' else 6081
    if mode == 'gtpu':
        expect = None
    elif mode == 'geneve-ip':
        expect = geneve_ip_header(tid, 0x0800)
    else:
        expect = struct.pack('!BBHI', 0, 0, 0x6558, tid << 8)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((local, port))
    stats = {'sent': 0, 'received': 0, 'badHeader': 0, 'other': 0}
    done = False

    def stop(_sig: int, _frm: object) -> None:
        nonlocal done
        done = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print('tunnel-ue: ready', flush=True)
    while not done:
        try:
            readable, _, _ = select.select([fd, sock], [], [], 0.2)
        except InterruptedError:
            continue
        if fd in readable:
            pkt = os.read(fd, 65535)
            if mode == 'gtpu':
                # version 1, protocol type GTP, no optional fields; type 255 = G-PDU
                hdr = struct.pack('!BBHI', 0x30, 255, len(pkt), tid)
            elif mode == 'geneve-ip':
                hdr = geneve_ip_header(tid, 0x86DD if pkt[:1] and pkt[0] >> 4 == 6 else 0x0800)
            else:
                hdr = expect
            sock.sendto(hdr + pkt, (gw, port))
            stats['sent'] += 1
        if sock in readable:
            data, _ = sock.recvfrom(65535)
            inner = decap(mode, data, down_tid, expect, stats)
            if inner is not None:
                stats['received'] += 1
                os.write(fd, inner)
    print('tunnel-ue: stats ' + json.dumps(stats), flush=True)


def geneve_ip_header(vni: int, protocol: int) -> bytes:
    # version 0, options length in 4-byte words; VNI in the top 24 bits of the second word
    return struct.pack('!BBHI', len(GENEVE_OPTION) // 4, 0, protocol, vni << 8) + GENEVE_OPTION


def decap(mode: str, data: bytes, tid: int, expect: bytes | None, stats: dict) -> bytes | None:
    if mode == 'geneve-ip' and len(data) > len(expect) and data[len(expect)] >> 4 == 6:
        expect = geneve_ip_header(tid, 0x86DD)
    if mode != 'gtpu':
        if data[:len(expect)] != expect:
            stats['badHeader'] += 1
            return None
        return data[len(expect):]
    if len(data) < 8:
        stats['other'] += 1
        return None
    flags, mtype, length, teid = struct.unpack('!BBHI', data[:8])
    if mtype != 255 or flags >> 5 != 1:
        stats['other'] += 1
        return None
    off = 8
    if flags & 0x07:
        # sequence number, N-PDU number, next extension header type; then the extension headers
        nxt = data[11] if len(data) >= 12 else 0
        off = 12
        while nxt != 0 and off < len(data):
            n = data[off] * 4
            if n == 0:
                break
            nxt = data[off + n - 1]
            off += n
    if teid != tid:
        stats['badHeader'] += 1
        return None
    return data[off:8 + length]


main()

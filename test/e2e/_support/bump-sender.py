#!/usr/bin/env python3
# A VTEP for the bump-in-the-wire e2e tests: sends VXLAN datagrams (VNI 42, inner Ethernet + IPv4/UDP)
# to a bump gateway from two sockets (device side and server side), waits for them to come back, and
# prints one JSON line: what came back to which socket, whether the VXLAN + inner Ethernet header came
# back byte for byte, and the inner TTL drop (1 = routed once by an appliance on the way).
#   bump-sender.py <gateway address> <gateway port> <count per stream>
# Streams: up-sel (10.128.0.2:5000 -> 10.129.0.10:8080), down-sel (the reverse, from the second socket),
# up-direct (10.128.0.2:5001 -> 10.129.0.10:7000).
import json
import select
import socket
import struct
import sys
import time

GW, PORT, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
VNI = 42
ETH = bytes.fromhex('02000000aa42' '020000000002' '0800')


def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ipv4_udp(src, dst, sport, dport, payload):
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0x1234, 0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + udp


def datagram(tag, src, dst, sport, dport):
    payload = (tag + ' ' + '.' * 32).encode()
    return struct.pack('!BBHI', 0x08, 0, 0, VNI << 8) + ETH + ipv4_udp(src, dst, sport, dport, payload)


socks = {}
for side in ('dev', 'srv'):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', 0))
    socks[side] = s
sent = {}
for i in range(N):
    for tag, side, a in (
        ('up-sel-%d' % i, 'dev', ('10.128.0.2', '10.129.0.10', 5000, 8080)),
        ('up-direct-%d' % i, 'dev', ('10.128.0.2', '10.129.0.10', 5001, 7000)),
        ('down-sel-%d' % i, 'srv', ('10.129.0.10', '10.128.0.2', 8080, 5000)),
    ):
        d = datagram(tag, *a)
        sent[tag] = (side, d)
        socks[side].sendto(d, (GW, PORT))
    time.sleep(0.01)

result = {'sent': len(sent), 'back': 0, 'wrongSocket': 0, 'headerDiffers': 0, 'bodyDiffers': 0, 'ttlDrop': {}}
end = time.time() + 8
while result['back'] < len(sent) and time.time() < end:
    r, _, _ = select.select(list(socks.values()), [], [], 0.2)
    for s in r:
        m, _ = s.recvfrom(65535)
        result['back'] += 1
        tag = m[22 + 28:].split(b' ')[0].decode(errors='replace')  # the UDP payload starts with the tag
        side, d = sent.get(tag, (None, b''))
        if side is None or socks[side] is not s:
            result['wrongSocket'] += 1
            continue
        if m[:22] != d[:22]:
            result['headerDiffers'] += 1
        ip, ipd = m[22:], d[22:]
        # an appliance that routes the packet decrements the TTL (and fixes the checksum): compare the rest
        if len(ip) != len(ipd) or ip[:8] != ipd[:8] or ip[9:10] != ipd[9:10] or ip[12:] != ipd[12:]:
            result['bodyDiffers'] += 1
        stream = tag.rsplit('-', 1)[0]
        drops = result['ttlDrop'].setdefault(stream, [])
        if ipd[8] - ip[8] not in drops:
            drops.append(ipd[8] - ip[8])
print(json.dumps(result))

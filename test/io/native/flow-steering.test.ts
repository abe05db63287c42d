// The kernel steering programs (native/src/steer-programs.h) against the TypeScript reference hash
// (src/io/native/flow-hash.ts): crafted packets are sent and the test checks which TUN queue / which
// SO_REUSEPORT socket the kernel handed each one to. Needs root (bpf(), TUN, the ip tool).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { DatagramBatch, TunDevice, UdpBatchSocket, flowWorkerOf, flowWorkerOfIpv4 } from '../../../src/io/native/index.js';
import { parseIPv4 } from '../../../src/core/ip.js';
import { rootAddonOrSkip, waitFor } from './native-env.js';
import { needTool } from '../../_support/tools.js';

const QUEUES = 3;

function ipv4(a: string): number[] {
  return a.split('.').map(Number);
}

/** An inner IPv4 (20) + UDP (8) packet from src to dst carrying a 4-byte tag. */
function inner4(src: string, dst: string, tag: number): number[] {
  const p = new Array<number>(32).fill(0);
  p[0] = 0x45;
  p[3] = 32;
  p[8] = 64;
  p[9] = 17;
  p.splice(12, 4, ...ipv4(src));
  p.splice(16, 4, ...ipv4(dst));
  p[21] = 99;
  p[23] = 99;
  p[25] = 12;
  p.splice(28, 4, (tag >>> 24) & 0xff, (tag >> 16) & 0xff, (tag >> 8) & 0xff, tag & 0xff);
  return p;
}

/** An inner IPv6 (40) + UDP (8) packet; addresses given as 16 bytes. */
function inner6(src: number[], dst: number[], tag: number): number[] {
  const p = new Array<number>(52).fill(0);
  p[0] = 0x60;
  p[5] = 12;
  p[6] = 17;
  p[7] = 64;
  p.splice(8, 16, ...src);
  p.splice(24, 16, ...dst);
  p.splice(48, 4, (tag >>> 24) & 0xff, (tag >> 16) & 0xff, (tag >> 8) & 0xff, tag & 0xff);
  return p;
}

const ETH_HDR = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
const eth = (type: number, payload: number[], vlan = false): number[] =>
  vlan ? [...ETH_HDR, 0x81, 0x00, 0x00, 0x07, type >> 8, type & 0xff, ...payload] : [...ETH_HDR, type >> 8, type & 0xff, ...payload];
const vxlan = (frame: number[]): number[] => [0x08, 0, 0, 0, 0, 0, 42, 0, ...frame];
const geneve = (proto: number, opts: number[], payload: number[]): number[] => [opts.length / 4, 0, proto >> 8, proto & 0xff, 0, 0, 42, 0, ...opts, ...payload];
function gtpu(payload: number[], flags: number, ext: number[][] = []): number[] {
  const opt = flags & 0x07 ? [0, 1, 0, ext.length > 0 ? ext[0][0] : 0] : [];
  const exts: number[] = [];
  ext.forEach((e, k) => exts.push(...e.slice(1), k + 1 < ext.length ? ext[k + 1][0] : 0));
  const body = [...opt, ...exts, ...payload];
  return [0x30 | flags, 0xff, body.length >> 8, body.length & 0xff, 0, 0, 0x10, 0x01, ...body];
}

const V6A = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78];
const V6B = [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0xab, 0xcd, 0, 0x99];

describe('flow steering reference hash', () => {
  it('is symmetric and spreads address pairs', () => {
    const seen = new Set<number>();
    for (let k = 0; k < 64; k++) {
      const a = parseIPv4(`10.128.0.${k + 1}`);
      const b = parseIPv4(`93.184.${k}.34`);
      assert.equal(flowWorkerOfIpv4(a, b, QUEUES), flowWorkerOfIpv4(b, a, QUEUES));
      const p = Uint8Array.from(inner4(`10.128.0.${k + 1}`, `93.184.${k}.34`, k));
      assert.equal(flowWorkerOf(p, 0, p.length, QUEUES), flowWorkerOfIpv4(a, b, QUEUES));
      seen.add(flowWorkerOfIpv4(a, b, QUEUES));
    }
    assert.equal(seen.size, QUEUES);
    const p6 = Uint8Array.from(inner6(V6A, V6B, 1));
    const q6 = Uint8Array.from(inner6(V6B, V6A, 1));
    assert.equal(flowWorkerOf(p6, 0, p6.length, QUEUES), flowWorkerOf(q6, 0, q6.length, QUEUES));
    assert.equal(flowWorkerOf(Uint8Array.of(0x00, 1, 2), 0, 3, QUEUES), 0);
  });
});

describe('reuseport cBPF steering (inner flow hash of tunnel datagrams)', () => {
  it('hands every datagram to socket flowHash(inner) % n, both directions alike, per tunnel kind', async (t) => {
    const addon = rootAddonOrSkip(t);
    if (!addon) return;
    // inner address pairs; each is sent both ways
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k < 12; k++) pairs.push([`10.128.${k}.2`, `198.51.${100 + k}.${7 * k + 1}`]);
    type Case = { kind: 'vxlan' | 'geneve' | 'gtpu'; name: string; build: (ip: number[]) => number[]; v6?: boolean; nonIp?: number[] };
    const cases: Case[] = [
      { kind: 'vxlan', name: 'vxlan ethernet', build: (ip) => vxlan(eth(0x0800, ip)) },
      { kind: 'vxlan', name: 'vxlan 802.1Q', build: (ip) => vxlan(eth(0x0800, ip, true)) },
      { kind: 'vxlan', name: 'vxlan ipv6', build: (ip) => vxlan(eth(0x86dd, ip)), v6: true },
      { kind: 'geneve', name: 'geneve ethernet + 8B option', build: (ip) => geneve(0x6558, [1, 8, 1, 1, 0xaa, 0xbb, 0xcc, 0xdd], eth(0x0800, ip)) },
      { kind: 'geneve', name: 'geneve ip', build: (ip) => geneve(0x0800, [], ip) },
      { kind: 'gtpu', name: 'gtpu plain', build: (ip) => gtpu(ip, 0) },
      { kind: 'gtpu', name: 'gtpu seq', build: (ip) => gtpu(ip, 0x02) },
      { kind: 'gtpu', name: 'gtpu 2 ext headers', build: (ip) => gtpu(ip, 0x04, [[0x85, 1, 0x00, 0x09], [0xc0, 2, 1, 2, 3, 4, 5, 6]]) },
    ];
    const sender = createSocket('udp4');
    t.after(() => sender.close());
    const batch = new DatagramBatch(256, 2048);
    for (const c of cases) {
      const socks: UdpBatchSocket[] = [];
      try {
        socks.push(UdpBatchSocket.open(addon, '127.0.0.1', 0, { reusePort: true }));
        const port = socks[0].local().port;
        for (let k = 1; k < QUEUES; k++) socks.push(UdpBatchSocket.open(addon, '127.0.0.1', port, { reusePort: true }));
        socks[0].setReuseportSteering(c.kind, QUEUES);
        const expected = new Map<number, number>();
        let tag = 1;
        const send = async (d: number[], want: number): Promise<void> => {
          expected.set(tag, want);
          await new Promise<void>((res, rej) => sender.send(Uint8Array.from(d), port, '127.0.0.1', (e) => (e ? rej(e) : res())));
        };
        for (const [a, b] of pairs) {
          for (const [s, d] of [[a, b], [b, a]]) {
            if (c.v6) {
              const sa = [...V6A.slice(0, 12), ...ipv4(s)];
              const da = [...V6B.slice(0, 12), ...ipv4(d)];
              const ip = inner6(sa, da, tag);
              await send(c.build(ip), flowWorkerOf(Uint8Array.from(ip), 0, ip.length, QUEUES));
            } else {
              await send(c.build(inner4(s, d, tag)), flowWorkerOfIpv4(parseIPv4(s), parseIPv4(d), QUEUES));
            }
            tag++;
          }
        }
        if (c.kind === 'vxlan') {
          // ARP inside: not IP → socket 0 (tag in the last 4 bytes as well)
          await send(vxlan(eth(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...new Array<number>(20).fill(0), 0, 0, 0, tag])), 0);
          tag++;
        }
        const got = new Map<number, number>();
        await waitFor(() => {
          socks.forEach((s, k) => {
            const n = s.recv(batch);
            for (let i = 0; i < n; i++) {
              const e = batch.offs[i] + batch.lens[i];
              got.set(batch.buf.readUInt32BE(e - 4), k);
            }
          });
          return got.size === expected.size;
        }, `${c.name}: ${expected.size} datagrams`);
        const spread = new Set(got.values());
        assert.deepEqual([...got.entries()].sort((x, y) => x[0] - y[0]), [...expected.entries()].sort((x, y) => x[0] - y[0]), c.name);
        assert.ok(spread.size >= 2, `${c.name}: the pairs spread over several sockets`);
      } finally {
        for (const s of socks) s.close();
      }
    }
  });
});

describe("reuseport cBPF steering, 'vxlan+geneve' (peers of both protocols on one socket group)", () => {
  it('tells VXLAN from GENEVE by bytes 2-3 and hands each datagram to socket flowHash(inner) % n', async (t) => {
    const addon = rootAddonOrSkip(t);
    if (!addon) return;
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k < 12; k++) pairs.push([`10.128.${k}.2`, `198.51.${100 + k}.${7 * k + 1}`]);
    // per inner packet, one datagram of each shape; GENEVE with options (4 + 8 bytes) so the option
    // length matters, and VXLAN's flags byte 0x08 would read as 32 bytes of options if taken as GENEVE
    const shapes: Array<(ip: number[]) => number[]> = [
      (ip) => vxlan(eth(0x0800, ip)),
      (ip) => vxlan(eth(0x0800, ip, true)),
      (ip) => geneve(0x6558, [1, 8, 1, 0, 0x11, 0x22, 0x33, 0x44], eth(0x0800, ip)),
      (ip) => geneve(0x0800, [1, 8, 2, 0, 0, 0x01, 0x80, 1, 0xaa, 0xbb, 0xcc, 0xdd], ip),
      (ip) => geneve(0x6558, [1, 8, 1, 0, 0x11, 0x22, 0x33, 0x44], eth(0x0800, ip, true)),
    ];
    const socks: UdpBatchSocket[] = [];
    const sender = createSocket('udp4');
    t.after(() => {
      sender.close();
      for (const s of socks) s.close();
    });
    socks.push(UdpBatchSocket.open(addon, '127.0.0.1', 0, { reusePort: true }));
    const port = socks[0].local().port;
    for (let k = 1; k < QUEUES; k++) socks.push(UdpBatchSocket.open(addon, '127.0.0.1', port, { reusePort: true }));
    socks[0].setReuseportSteering('vxlan+geneve', QUEUES);
    const expected = new Map<number, number>();
    let tag = 1;
    const send = async (d: number[], want: number): Promise<void> => {
      expected.set(tag++, want);
      await new Promise<void>((res, rej) => sender.send(Uint8Array.from(d), port, '127.0.0.1', (e) => (e ? rej(e) : res())));
    };
    for (const [a, b] of pairs) {
      for (const [s, d] of [[a, b], [b, a]]) {
        const want = flowWorkerOfIpv4(parseIPv4(s), parseIPv4(d), QUEUES);
        for (const shape of shapes) await send(shape(inner4(s, d, tag)), want);
      }
    }
    // VXLAN-looking datagrams whose bytes 2-3 are not zero: not VXLAN, and no GENEVE protocol type
    // either → socket 0, although the inner pair hashes elsewhere (so VXLAN parsing would show)
    const off = pairs.filter(([a, b]) => flowWorkerOfIpv4(parseIPv4(a), parseIPv4(b), QUEUES) !== 0);
    assert.ok(off.length >= 4, 'pairs hashing to sockets other than 0');
    const notVxlan = new Set<number>();
    for (const [a, b] of off) {
      const d = vxlan(eth(0x0800, inner4(a, b, tag)));
      d[2] = 0x12;
      d[3] = 0x34;
      notVxlan.add(tag);
      await send(d, 0);
    }
    const got = new Map<number, number>();
    const batch = new DatagramBatch(256, 2048);
    await waitFor(() => {
      socks.forEach((s, k) => {
        const n = s.recv(batch);
        for (let i = 0; i < n; i++) got.set(batch.buf.readUInt32BE(batch.offs[i] + batch.lens[i] - 4), k);
      });
      return got.size === expected.size;
    }, `${expected.size} datagrams`);
    assert.equal(expected.size, pairs.length * 2 * shapes.length + off.length);
    assert.deepEqual([...got.entries()].sort((x, y) => x[0] - y[0]), [...expected.entries()].sort((x, y) => x[0] - y[0]));
    const spread = new Set([...got.entries()].filter(([k]) => !notVxlan.has(k)).map(([, v]) => v));
    assert.equal(spread.size, QUEUES, 'the pairs spread over all the sockets');
  });
});

describe('TUN eBPF steering (multi-queue)', () => {
  it('hands every packet the kernel sends into the device to queue flowHash % queues', async (t) => {
    const addon = rootAddonOrSkip(t, { tun: true });
    if (!addon) return;
    if (!needTool(t, 'ip')) return;
    const name = `fgsteer${process.pid % 10000}`;
    const queues: TunDevice[] = [];
    t.after(() => queues.forEach((q) => q.close()));
    for (let k = 0; k < QUEUES; k++) queues.push(TunDevice.open(addon, name, { multiQueue: true }));
    queues[0].setSteering(QUEUES);
    const locals = ['198.18.78.1', '198.18.78.2', '198.18.78.3', '198.18.78.4'];
    for (const a of locals) execFileSync('ip', ['addr', 'add', `${a}/32`, 'dev', name]);
    execFileSync('ip', ['-6', 'addr', 'add', 'fd00:78::1/128', 'dev', name, 'nodad']);
    execFileSync('ip', ['link', 'set', name, 'up']);
    execFileSync('ip', ['route', 'add', '198.19.78.0/24', 'dev', name]);
    execFileSync('ip', ['-6', 'route', 'add', 'fd00:79::/64', 'dev', name]);
    const expected: number[] = [];
    const got: number[] = [];
    const batch = new DatagramBatch(64, 2048);
    const drain = (): void => {
      queues.forEach((q, k) => {
        for (let n = q.read(batch); n > 0; n = q.read(batch)) {
          for (let i = 0; i < n; i++) {
            const o = batch.offs[i];
            const v = batch.buf[o] >> 4;
            const udp = v === 4 ? (batch.buf[o + 9] === 17 ? o + 20 : -1) : v === 6 && batch.buf[o + 6] === 17 ? o + 40 : -1;
            if (udp < 0 || batch.buf.readUInt16BE(udp + 2) !== 9999) continue; // router solicitations, MLD...
            const want = flowWorkerOf(batch.buf, o, batch.lens[i], QUEUES);
            got.push(k);
            expected.push(want);
          }
        }
      });
    };
    let sent = 0;
    for (const src of locals) {
      const s = createSocket('udp4');
      await new Promise<void>((res) => s.bind(0, src, res));
      for (let d = 1; d <= 10; d++) {
        await new Promise<void>((res, rej) => s.send('x', 9999, `198.19.78.${d * 13}`, (e) => (e ? rej(e) : res())));
        sent++;
      }
      s.close();
    }
    const s6 = createSocket('udp6');
    await new Promise<void>((res) => s6.bind(0, 'fd00:78::1', res));
    for (let d = 1; d <= 10; d++) {
      await new Promise<void>((res, rej) => s6.send('x', 9999, `fd00:79::${(d * 4099).toString(16)}`, (e) => (e ? rej(e) : res())));
      sent++;
    }
    s6.close();
    await waitFor(() => {
      drain();
      return got.length >= sent;
    }, `${sent} packets out of the TUN queues`);
    assert.equal(got.length, sent);
    assert.deepEqual(got, expected, 'every packet on the queue the reference hash names');
    assert.ok(new Set(got).size >= 2, 'packets spread over several queues');
  });

  it('both directions of a flow the kernel forwards back through the device leave by the same queue', async (t) => {
    const addon = rootAddonOrSkip(t, { tun: true });
    if (!addon) return;
    if (!needTool(t, 'ip')) return;
    // a namespace of our own (forwarding on, redirects off); the device moves there with its queues open
    const ns = `fgsteer${process.pid % 10000}`;
    const name = `fgfwd${process.pid % 10000}`;
    execFileSync('ip', ['netns', 'add', ns]);
    const queues: TunDevice[] = [];
    t.after(() => {
      queues.forEach((q) => q.close());
      execFileSync('ip', ['netns', 'del', ns]);
    });
    for (let k = 0; k < QUEUES; k++) queues.push(TunDevice.open(addon, name, { multiQueue: true }));
    queues[0].setSteering(QUEUES);
    execFileSync('ip', ['link', 'set', name, 'netns', ns]);
    const inNs = (cmd: string) => execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', cmd]);
    inNs(`sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0`);
    inNs(`ip addr add 10.99.0.1/32 dev ${name} && ip link set ${name} up && sysctl -qw net.ipv4.conf.${name}.rp_filter=0 net.ipv4.conf.${name}.send_redirects=0`);
    inNs(`ip route add 10.50.0.0/16 dev ${name} && ip route add 10.60.0.0/16 dev ${name}`);
    const pkt = new Uint8Array(32);
    const sent: Array<{ tag: number; want: number }> = [];
    let tag = 1;
    for (let k = 0; k < 16; k++) {
      const a = `10.50.${k}.${3 * k + 1}`;
      const b = `10.60.${(k * 37) % 256}.${k + 9}`;
      for (const [src, dst] of [[a, b], [b, a]]) {
        const p = inner4(src, dst, tag);
        // IPv4 header checksum: the kernel checks it before forwarding
        let sum = 0;
        for (let i = 0; i < 20; i += 2) sum += (p[i] << 8) | p[i + 1];
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        p[10] = (~sum >> 8) & 0xff;
        p[11] = ~sum & 0xff;
        pkt.set(p);
        assert.ok(queues[k % QUEUES].write(pkt, 0, p.length), 'written into the device');
        sent.push({ tag, want: flowWorkerOfIpv4(parseIPv4(src), parseIPv4(dst), QUEUES) });
        tag++;
      }
    }
    const got = new Map<number, number>();
    const batch = new DatagramBatch(64, 2048);
    await waitFor(() => {
      queues.forEach((q, k) => {
        for (let n = q.read(batch); n > 0; n = q.read(batch)) {
          for (let i = 0; i < n; i++) {
            const o = batch.offs[i];
            if (batch.buf[o] >> 4 !== 4 || batch.buf[o + 9] !== 17 || batch.lens[i] !== 32) continue;
            got.set(batch.buf.readUInt32BE(o + 28), k);
          }
        }
      });
      return got.size >= sent.length;
    }, `${sent.length} forwarded packets`);
    for (const s of sent) assert.equal(got.get(s.tag), s.want, `packet ${s.tag}`);
    for (let k = 0; k < sent.length; k += 2) assert.equal(got.get(sent[k].tag), got.get(sent[k + 1].tag), 'both directions on one queue');
    assert.ok(new Set(got.values()).size >= 2, 'flows spread over several queues');
  });
});

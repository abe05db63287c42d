// Decodes every frame of the nDPI peer captures: real traffic must decode without throwing, nearly
// always to an IP packet, and the tunnel captures must come out decapsulated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TunnelKind } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
import { decodeFrame } from '../../src/packet/decode.js';
import { eventName } from '../../src/packet/events.js';
import { listFrames } from './_support/capture.js';

const PCAP_DIR = path.resolve(process.cwd(), '../shared/corpus/ndpi/pcap');

interface Stats {
  frames: number;
  ip: number;
  events: Map<string, number>;
  tunnels: Map<number, number>;
}

function decodeFile(name: string, p: PacketView): Stats {
  const buf = new Uint8Array(readFileSync(path.join(PCAP_DIR, name)));
  const st: Stats = { frames: 0, ip: 0, events: new Map(), tunnels: new Map() };
  for (const f of listFrames(buf)) {
    decodeFrame(p, buf, f.off, f.capLen, f.wireLen, 0, f.linkType);
    st.frames++;
    if (p.ipVersion !== 0) st.ip++;
    for (let i = 0; i < Math.min(p.eventCount, p.events.length); i++) {
      const n = eventName(p.events[i]);
      st.events.set(n, (st.events.get(n) ?? 0) + 1);
    }
    if (p.tunnelDepth > 0) st.tunnels.set(p.tunnelKind[0], (st.tunnels.get(p.tunnelKind[0]) ?? 0) + 1);
  }
  return st;
}

test('every nDPI capture decodes without throwing, nearly always to IP', (t) => {
  if (!existsSync(PCAP_DIR)) {
    t.skip('peer corpus ../shared/corpus/ndpi/pcap is absent');
    return;
  }
  const p = new PacketView();
  let frames = 0;
  let ip = 0;
  const events = new Map<string, number>();
  const files = readdirSync(PCAP_DIR).filter((f) => /\.pcap(ng)?$/.test(f));
  assert.ok(files.length > 100);
  for (const name of files) {
    const st = decodeFile(name, p);
    frames += st.frames;
    ip += st.ip;
    for (const [k, v] of st.events) events.set(k, (events.get(k) ?? 0) + v);
  }
  t.diagnostic(`${files.length} files, ${frames} frames, ${ip} with IP; events: ${JSON.stringify(Object.fromEntries(events))}`);
  assert.ok(frames > 10000);
  assert.ok(ip / frames > 0.97, `only ${ip}/${frames} frames decoded to IP`);
  assert.equal(events.get('decoder.link.unsupported') ?? 0, 0);
});

test('tunnel captures are decapsulated (4in4, 6in4, VXLAN); PPTP GRE is named, not misdecoded', (t) => {
  if (!existsSync(PCAP_DIR)) {
    t.skip('peer corpus ../shared/corpus/ndpi/pcap is absent');
    return;
  }
  const p = new PacketView();
  const expect: [string, number][] = [
    ['4in4tunnel.pcap', TunnelKind.IPIP],
    ['6in4tunnel.pcap', TunnelKind.IPIP],
    ['vxlan.pcap', TunnelKind.VXLAN],
  ];
  for (const [name, kind] of expect) {
    const st = decodeFile(name, p);
    t.diagnostic(`${name}: ${st.frames} frames, tunnels ${JSON.stringify(Object.fromEntries(st.tunnels))}, events ${JSON.stringify(Object.fromEntries(st.events))}`);
    assert.equal(st.tunnels.get(kind), st.frames, `${name}: every frame is tunnelled (kind ${kind})`);
    assert.equal(st.events.size, 0, name);
  }
  // gre.pcapng holds one enhanced-GRE (PPTP, version 1) packet
  const gre = decodeFile('gre.pcapng', p);
  assert.equal(gre.events.get('decoder.gre.pptp_unsupported'), gre.frames);
  // known-bad captures are reported, not thrown on
  assert.ok((decodeFile('badpackets.pcap', p).events.get('decoder.ipv4.trunc_pkt') ?? 0) > 0);
});

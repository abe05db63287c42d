import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bannerLength, sshDissector } from '../../../src/classify/protocols/ssh.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u32 } from './dissector-harness.js';

function nameList(s: string): number[] {
  return [...u32(s.length), ...Buffer.from(s, 'latin1')];
}
/** A binary packet holding SSH_MSG_KEXINIT with the given ten name-lists. */
function kexinit(lists: string[]): Uint8Array {
  const payload = [20, ...new Array<number>(16).fill(7), ...lists.flatMap(nameList), 0, ...u32(0)];
  const pad = 8 - ((5 + payload.length) % 8) + 4;
  return bytes(u32(1 + payload.length + pad), [pad], payload, new Array<number>(pad).fill(0));
}
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const client = ['curve25519-sha256,ext-info-c', 'ssh-ed25519', 'aes128-ctr,aes256-ctr', 'aes256-ctr', 'hmac-sha2-256', 'hmac-sha2-512', 'none,zlib@openssh.com', 'none', '', ''];
const server = ['curve25519-sha256', 'rsa-sha2-512', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'hmac-sha1', 'umac-64@openssh.com', 'none', 'zlib', '', ''];

test('SSH banners of both sides and HASSH / HASSH-server from KEXINIT', () => {
  const ckex = kexinit(client);
  const r = runDissector(sshDissector, 'tcp', 50000, 22, [
    { dir: 1, data: bytes('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n') },
    { dir: 0, data: bytes('SSH-2.0-fleet_1.0\r\n', ckex) }, // banner and KEXINIT in one segment
    { dir: 1, data: kexinit(server).subarray(0, 100) }, // server KEXINIT split over two segments
    { dir: 1, data: kexinit(server).subarray(100) },
  ]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.probed, 1);
  assert.equal(r.meta.ssh?.server_banner, 'SSH-2.0-OpenSSH_9.2p1 Debian-2');
  assert.equal(r.meta.ssh?.client_banner, 'SSH-2.0-fleet_1.0');
  assert.equal(r.meta.ssh?.hassh, md5('curve25519-sha256,ext-info-c;aes128-ctr,aes256-ctr;hmac-sha2-256;none,zlib@openssh.com'));
  assert.equal(r.meta.ssh?.hassh_server, md5('curve25519-sha256;chacha20-poly1305@openssh.com;umac-64@openssh.com;zlib'));
});

test('SSH banner syntax', () => {
  assert.equal(bannerLength(bytes('SSH-1.99-Cisco-1.25\n')), 19);
  assert.equal(bannerLength(bytes('SSH-2.0-')), -2); // may continue
  assert.equal(bannerLength(bytes('SSH-2.0-\r\n')), -1); // empty software version
  assert.equal(bannerLength(bytes('SSH-X.0-a\r\n')), -1);
  assert.equal(bannerLength(bytes('SSH-2.0-a\x01b\r\n')), -1);
  assert.equal(bannerLength(bytes('SSH-2.0-', 'a'.repeat(300), '\r\n')), -1); // longer than 255
  assert.equal(sshDissector.probe(bytes('HTTP/1.1 200 OK\r\n'), 0, { l4: 'tcp', srcPort: 1, dstPort: 22, payloadPackets: [1, 0] }, sshDissector.init()), 'exclude');
});

test('SSH bogus KEXINIT lengths are ignored without throwing', () => {
  const huge = bytes('SSH-2.0-x\r\n', u32(0xfffffff0), [4, 20], new Array<number>(40).fill(0xff));
  const badList = bytes('SSH-2.0-x\r\n', u32(40), [4, 20], new Array<number>(16).fill(0), u32(1000), new Array<number>(20).fill(0x61));
  for (const data of [huge, badList]) {
    const r = runDissector(sshDissector, 'tcp', 50000, 22, [{ dir: 0, data }]);
    assert.equal(r.outcome, 'match');
    assert.equal(r.meta.ssh?.hassh, undefined);
  }
});

test('SSH truncated at every length never throws', () => {
  const full = bytes('SSH-2.0-fleet_1.0\r\n', kexinit(client));
  const res = probeAllPrefixes(sshDissector, 'tcp', 50000, 22, full);
  assert.equal(res[0], 'exclude');
  assert.equal(res[12], 'more');
  assert.equal(res[full.length - 1], 'match');
});

test('SSH never matches random bytes', () => {
  assert.equal(fuzzMatches(sshDissector, 'tcp', 50000, 22, 77, 5000), 0);
});

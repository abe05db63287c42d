// JA4 client fingerprint (FoxIO spec, github.com/FoxIO-LLC/ja4): "t13d1516h2_8daaf6152771_e5627efa2ab1".
//  a: transport (t/q/d), version, SNI (d/i), cipher count, extension count, first+last ALPN char
//  b: sha256 of the sorted 4-hex cipher list, first 12 hex chars
//  c: sha256 of the sorted extension list without SNI/ALPN, '_', signature algorithms in wire order
import { createHash } from 'node:crypto';
import type { ClientHelloInfo } from './tls-hello.js';
import { isGrease } from './tls-hello.js';

export type Ja4Transport = 't' | 'q' | 'd';

function versionCode(v: number): string {
  switch (v) {
    case 0x0304: return '13';
    case 0x0303: return '12';
    case 0x0302: return '11';
    case 0x0301: return '10';
    case 0x0300: return 's3';
    case 0x0200: return 's2';
    case 0xfeff: return 'd1';
    case 0xfefd: return 'd2';
    case 0xfefc: return 'd3';
  }
  return '00';
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

function two(n: number): string {
  return n > 99 ? '99' : n < 10 ? '0' + n : String(n);
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function alpnCode(alpns: readonly string[]): string {
  if (alpns.length === 0 || alpns[0].length === 0) return '00';
  const a = alpns[0];
  const f = a.charCodeAt(0);
  const l = a.charCodeAt(a.length - 1);
  if (isAlnum(f) && isAlnum(l)) return a[0] + a[a.length - 1];
  // Non-alphanumeric: first char of the hex of the first byte, last char of the hex of the last byte.
  const fh = (f & 0xff).toString(16).padStart(2, '0');
  const lh = (l & 0xff).toString(16).padStart(2, '0');
  return fh[0] + lh[1];
}

function hash12(s: string): string {
  if (s === '') return '000000000000';
  return createHash('sha256').update(s, 'latin1').digest('hex').slice(0, 12);
}

export function ja4(ch: ClientHelloInfo, transport: Ja4Transport): string {
  let version = ch.version;
  let best = -1;
  for (const v of ch.versions) if (!isGrease(v) && (best < 0 || versionRank(v) > versionRank(best))) best = v;
  if (best >= 0) version = best;
  const ciphers = ch.ciphers.filter((c) => !isGrease(c));
  const exts = ch.extensions.filter((e) => !isGrease(e));
  const sni = ch.extensions.includes(0) ? 'd' : 'i';
  const a = transport + versionCode(version) + sni + two(ciphers.length) + two(exts.length) + alpnCode(ch.alpns);
  const b = hash12(ciphers.map(hex4).sort().join(','));
  const sortedExts = exts.filter((e) => e !== 0 && e !== 16).map(hex4).sort().join(',');
  const sigs = ch.sigAlgs.filter((s) => !isGrease(s)).map(hex4).join(',');
  const c = sortedExts === '' && sigs === '' ? '000000000000' : hash12(sigs === '' ? sortedExts : sortedExts + '_' + sigs);
  return `${a}_${b}_${c}`;
}

/** Orders versions so DTLS (0xfeXX, lower is newer) compares with TLS. */
function versionRank(v: number): number {
  if (v === 0xfeff) return 0x0302;
  if (v === 0xfefd) return 0x0303;
  if (v === 0xfefc) return 0x0304;
  return v;
}

// JA3 / JA3S fingerprints (salesforce/ja3): decimal fields joined by '-', sections by ',', GREASE removed,
// hashed with MD5.
import { createHash } from 'node:crypto';
import type { ClientHelloInfo, ServerHelloInfo } from './tls-hello.js';
import { isGrease } from './tls-hello.js';

function join(list: readonly number[]): string {
  let s = '';
  for (const v of list) {
    if (isGrease(v)) continue;
    s += s === '' ? String(v) : '-' + v;
  }
  return s;
}

function md5(s: string): string {
  return createHash('md5').update(s, 'latin1').digest('hex');
}

/** JA3: SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats. */
export function ja3(ch: ClientHelloInfo): { hash: string; string: string } {
  const s = `${ch.version},${join(ch.ciphers)},${join(ch.extensions)},${join(ch.groups)},${join(ch.pointFormats)}`;
  return { hash: md5(s), string: s };
}

/** JA3S: SSLVersion,Cipher,Extensions. */
export function ja3s(sh: ServerHelloInfo): { hash: string; string: string } {
  const s = `${sh.version},${sh.cipher},${join(sh.extensions)}`;
  return { hash: md5(s), string: s };
}

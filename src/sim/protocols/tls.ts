// TLS 1.3 handshake records as seen on the wire (RFC 8446): a browser-like ClientHello (SNI, ALPN,
// supported_versions, key_share...), the ServerHello, ChangeCipherSpec, and opaque application-data records.
import { Bytes } from './bytes.js';
import type { Rng } from '../prng.js';

const CIPHERS = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
const SIG_ALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
const GROUPS = [0x001d, 0x0017, 0x0018];

export const TLS_CCS = Uint8Array.of(0x14, 0x03, 0x03, 0x00, 0x01, 0x01);
export const TLS_RECORD_HEADER_LEN = 5;
/** Largest ciphertext record payload we emit (plaintext limit 2^14 + AEAD tag + content type). */
export const TLS_MAX_RECORD = 16384 + 17;

function ext(w: Bytes, type: number, body: (w: Bytes) => void): void {
  w.u16(type);
  const at = w.len;
  w.u16(0);
  body(w);
  w.patch16(at, w.len - at - 2);
}

export function tlsClientHello(rng: Rng, sni: string, alpn: readonly string[], sessionId: Uint8Array): Uint8Array {
  const w = new Bytes().u8(0x16).u16(0x0301).u16(0); // record (legacy version 1.0 in the first record)
  w.u8(0x01).u24(0); // handshake: ClientHello
  w.u16(0x0303).raw(rng.bytes(32));
  w.u8(sessionId.length).raw(sessionId);
  w.u16(CIPHERS.length * 2);
  for (const c of CIPHERS) w.u16(c);
  w.u8(1).u8(0); // null compression
  const extAt = w.len;
  w.u16(0);
  ext(w, 0x0000, (x) => {
    x.u16(sni.length + 3).u8(0).u16(sni.length).text(sni);
  });
  ext(w, 0x0017, () => {});
  ext(w, 0xff01, (x) => x.u8(0));
  ext(w, 0x000a, (x) => {
    x.u16(GROUPS.length * 2);
    for (const g of GROUPS) x.u16(g);
  });
  ext(w, 0x000b, (x) => x.u8(1).u8(0));
  ext(w, 0x0023, () => {});
  if (alpn.length > 0) {
    ext(w, 0x0010, (x) => {
      const at = x.len;
      x.u16(0);
      for (const p of alpn) x.u8(p.length).text(p);
      x.patch16(at, x.len - at - 2);
    });
  }
  ext(w, 0x0005, (x) => x.u8(1).u16(0).u16(0));
  ext(w, 0x000d, (x) => {
    x.u16(SIG_ALGS.length * 2);
    for (const s of SIG_ALGS) x.u16(s);
  });
  ext(w, 0x0033, (x) => x.u16(36).u16(0x001d).u16(32).raw(rng.bytes(32)));
  ext(w, 0x002d, (x) => x.u8(1).u8(1));
  ext(w, 0x002b, (x) => x.u8(4).u16(0x0304).u16(0x0303));
  w.patch16(extAt, w.len - extAt - 2);
  w.patch24(6, w.len - 9);
  w.patch16(3, w.len - 5);
  return w.done();
}

/** ServerHello (TLS_AES_128_GCM_SHA256, x25519) followed by the middlebox-compatibility ChangeCipherSpec. */
export function tlsServerHello(rng: Rng, sessionId: Uint8Array): Uint8Array {
  const w = new Bytes().u8(0x16).u16(0x0303).u16(0);
  w.u8(0x02).u24(0);
  w.u16(0x0303).raw(rng.bytes(32));
  w.u8(sessionId.length).raw(sessionId);
  w.u16(0x1301).u8(0);
  const extAt = w.len;
  w.u16(0);
  ext(w, 0x002b, (x) => x.u16(0x0304));
  ext(w, 0x0033, (x) => x.u16(0x001d).u16(32).raw(rng.bytes(32)));
  w.patch16(extAt, w.len - extAt - 2);
  w.patch24(6, w.len - 9);
  w.patch16(3, w.len - 5);
  return w.raw(TLS_CCS).done();
}

/** Header of an application-data record whose `len` opaque bytes follow. */
export function tlsAppDataHeader(len: number): Uint8Array {
  return Uint8Array.of(0x17, 0x03, 0x03, (len >>> 8) & 0xff, len & 0xff);
}

/** A whole application-data record with random ciphertext (for small records inside composite messages). */
export function tlsAppDataRecord(rng: Rng, len: number): Uint8Array {
  return new Bytes().raw(tlsAppDataHeader(len)).raw(rng.bytes(len)).done();
}

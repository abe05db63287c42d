// Frames a hostile device sends: HTTP with markup in Host and User-Agent, and a TLS ClientHello whose
// SNI is markup. The dashboard must show these names as text and never run them.
import { concat, eth, ipv4, tcp, u16, ascii } from '../../packet/_support/bytes.js';

export const HOSTILE_HOST = '<img src=x onerror="window.__xss=1">';
export const HOSTILE_SNI = '<img src=y onerror=window.__xss=2>';
export const HOSTILE_UA = '<script>window.__xss=3</script>';

function tcpFrame(src: string, dst: string, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const t = tcp({ sport, dport, seq: 1, ack: 1, flags: 0x18, window: 502 });
  return concat(eth(0x0800), ipv4({ src, dst, proto: 6, payloadLen: t.length + payload.length }), t, payload);
}

export function hostileHttp(src: string, dst: string): Uint8Array {
  return tcpFrame(src, dst, 41000, 80, ascii(`GET /<b>x</b> HTTP/1.1\r\nHost: ${HOSTILE_HOST}\r\nUser-Agent: ${HOSTILE_UA}\r\nAccept: */*\r\n\r\n`));
}

/** A minimal TLS 1.2 ClientHello carrying only the server_name extension. */
export function hostileTls(src: string, dst: string): Uint8Array {
  const name = ascii(HOSTILE_SNI);
  const sniList = concat(Uint8Array.of(0), u16(name.length), name);
  const sniExt = concat(u16(0), u16(sniList.length + 2), u16(sniList.length), sniList);
  const exts = concat(u16(sniExt.length), sniExt);
  const body = concat(
    Uint8Array.of(3, 3),
    new Uint8Array(32), // random
    Uint8Array.of(0), // session id
    u16(2),
    u16(0x002f), // one cipher suite
    Uint8Array.of(1, 0), // null compression
    exts,
  );
  const hs = concat(Uint8Array.of(1, 0, body.length >> 8, body.length & 0xff), body);
  const rec = concat(Uint8Array.of(0x16, 3, 1), u16(hs.length), hs);
  return tcpFrame(src, dst, 41001, 443, rec);
}

// DNS wire format (RFC 1035): A queries and answers with a compression pointer to the question name.
import { Bytes } from './bytes.js';

export const DnsType = { A: 1, AAAA: 28 } as const;
export const DnsRcode = { NOERROR: 0, NXDOMAIN: 3 } as const;

function question(w: Bytes, name: string, qtype: number): void {
  for (const label of name.split('.')) {
    if (label.length === 0) continue;
    w.u8(label.length).text(label);
  }
  w.u8(0).u16(qtype).u16(1); // class IN
}

export function dnsQuery(id: number, name: string, qtype: number = DnsType.A): Uint8Array {
  const w = new Bytes().u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0); // RD
  question(w, name, qtype);
  return w.done();
}

/** Answer with one A record per address (all pointing at the question name), or an NXDOMAIN. */
export function dnsAnswer(id: number, name: string, addrs: readonly number[], ttl: number, rcode: number = DnsRcode.NOERROR): Uint8Array {
  const n = rcode === DnsRcode.NOERROR ? addrs.length : 0;
  const w = new Bytes().u16(id).u16(0x8180 | rcode).u16(1).u16(n).u16(0).u16(0); // QR RD RA
  question(w, name, DnsType.A);
  for (let i = 0; i < n; i++) w.u16(0xc00c).u16(DnsType.A).u16(1).u32(ttl).u16(4).u32(addrs[i]);
  return w.done();
}

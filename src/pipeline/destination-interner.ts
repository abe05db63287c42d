// One FlowDestination object per remote end (protocol, address, port), shared by every flow to it.
// A fleet talks to few servers through many flows: describing each flow's remote afresh allocated an
// object and two strings per flow, all long-lived (the aggregator keeps them while the flow lives), which
// the garbage collector then copied around. IPv4 remotes are found by numbers, without building a string;
// IPv6 ones by their key string. Bounded: past MAX_ENTRIES the maps start over (objects that flows still
// hold stay valid; a later flow to the same remote just gets a new one).
import { formatIP } from '../core/ip.js';
import type { FlowDestination } from '../export/inspection/interval-accumulator.js';
import { l4Name } from '../export/flows/flow-record.js';

const MAX_ENTRIES = 1 << 16;

export class DestinationInterner {
  /** IPv4: (port << 8 | proto) → address (int32) → destination. */
  private readonly v4 = new Map<number, Map<number, FlowDestination>>();
  /** IPv6: key string → destination. */
  private readonly v6 = new Map<string, FlowDestination>();
  private entries = 0;

  /**
   * The destination `proto` `addr16[0, 4 or 16)` `port`. For IPv4, `v4Word` is the address as a
   * big-endian int32 (the flow key's word), used as the lookup key.
   */
  get(ipVersion: number, addr16: Uint8Array, v4Word: number, port: number, proto: number): FlowDestination {
    if (ipVersion === 4) {
      const pp = (port << 8) | proto;
      const found = this.v4.get(pp)?.get(v4Word);
      if (found !== undefined) return found;
      this.makeRoom();
      let byAddr = this.v4.get(pp);
      if (byAddr === undefined) {
        byAddr = new Map();
        this.v4.set(pp, byAddr);
      }
      const protocol = l4Name(proto);
      const address = formatIP(addr16, 0, 4);
      const d: FlowDestination = { key: `${protocol}|${address}|${port}`, address, port, protocol };
      byAddr.set(v4Word, d);
      return d;
    }
    const address = formatIP(addr16, 0, 6);
    const protocol = l4Name(proto);
    const key = `${protocol}|${address}|${port}`;
    const found = this.v6.get(key);
    if (found !== undefined) return found;
    this.makeRoom();
    const d: FlowDestination = { key, address, port, protocol };
    this.v6.set(key, d);
    return d;
  }

  /** Counts the entry about to be added, starting over when the maps are full. */
  private makeRoom(): void {
    if (this.entries >= MAX_ENTRIES) {
      this.v4.clear();
      this.v6.clear();
      this.entries = 0;
    }
    this.entries++;
  }
}

// IPFIX exporter over UDP (RFC 7011, RFC 5103 biflows): the template message goes first, is sent
// again every `templateRefreshSeconds`, and a batch is acknowledged once its datagrams are handed to
// the kernel (UDP has no acknowledgement). Collectors drop data before its template (anchors-spec §4.3).
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Sink, SinkRecord } from './sink.js';
import type { FlowRecord } from '../flows/flow-record.js';
import { IpfixEncoder } from './ipfix/encoder.js';
import { flowFromBody } from './ipfix/flow-from-body.js';

export interface IpfixSinkOptions {
  name: string;
  host: string;
  port: number;
  observationDomainId?: number;
  /** Largest message; default 1400 (an unknown path MTU would call for 512). */
  maxMessageBytes?: number;
  /** Templates are re-sent this often; default 60 s. */
  templateRefreshSeconds?: number;
  /** Datagrams sent before yielding a millisecond, so a local collector's socket keeps up; default 64. */
  burst?: number;
}

/** `host:port` or `[v6]:port`. */
export function parseHostPort(s: string, defaultPort = 4739): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`'${s}' is not host:port`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`'${s}': port must be 1..65535`);
  return { host: m[1], port };
}

export class IpfixSink implements Sink {
  readonly name: string;
  private sock: Socket | null = null;
  private readonly enc: IpfixEncoder;
  private lastTemplateMs = 0;
  private sinceYield = 0;
  datagrams = 0;
  flows = 0;

  constructor(private readonly o: IpfixSinkOptions) {
    this.name = o.name;
    this.enc = new IpfixEncoder(o.observationDomainId ?? 1, o.maxMessageBytes ?? 1400);
  }

  async open(): Promise<void> {
    const sock = createSocket(isIPv6(this.o.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.connect(this.o.port, this.o.host, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    // an ICMP port-unreachable surfaces as an error event on a connected socket: the next send fails
    sock.on('error', () => undefined);
    this.sock = sock;
    await this.sendTemplates();
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const flows: FlowRecord[] = [];
    for (const r of batch) {
      if (r.type !== 'flow') continue;
      const f = flowFromBody(r.body);
      if (f) flows.push(f);
    }
    if (flows.length === 0) return;
    const now = Date.now();
    if (now - this.lastTemplateMs >= (this.o.templateRefreshSeconds ?? 60) * 1000) await this.sendTemplates();
    for (const m of this.enc.dataMessages(flows, Math.floor(now / 1000))) await this.send(m);
    this.flows += flows.length;
  }

  async close(): Promise<void> {
    const s = this.sock;
    this.sock = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private async sendTemplates(): Promise<void> {
    // two copies: a lost template datagram would make the collector drop the data behind it
    const t = this.enc.templateMessage(Math.floor(Date.now() / 1000));
    await this.send(t);
    await this.send(t);
    this.lastTemplateMs = Date.now();
  }

  private async send(b: Buffer): Promise<void> {
    const s = this.sock;
    if (!s) throw new Error(`${this.name}: not open`);
    await new Promise<void>((resolve, reject) => s.send(b, (err) => (err ? reject(err) : resolve())));
    this.datagrams++;
    if (++this.sinceYield >= (this.o.burst ?? 64)) {
      this.sinceYield = 0;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

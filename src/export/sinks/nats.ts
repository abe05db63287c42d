// NATS JetStream sink: one JetStream publish per record with `Nats-Msg-Id` = record id, so the stream's
// duplicate window drops a retried record; a batch is written when every publish ack came back.
// open() creates the stream (subjects derived from the subject template) when it does not exist.
import { hostname } from 'node:os';
import { lazyModule } from '../../core/lazy-module.js';
import type { JetStreamClient, NatsConnection } from 'nats';

const natsLib = lazyModule<typeof import('nats')>('nats');
import type { Sink, SinkRecord } from './sink.js';
import { optionBag, onlyKeys, optionalString, positiveInt, requiredString, stringList, withTimeout } from './broker/options.js';
import { compileSubject } from './broker/subject-template.js';
import type { SubjectFor } from './broker/subject-template.js';
import { ConfigError } from '../../core/errors.js';

export interface NatsSinkOptions {
  /** nats://host:port (one or a list). */
  servers: string | string[];
  /** JetStream stream name; created on open when absent. */
  stream: string;
  /** Subject template; {type} and {gatewayId} are filled in. */
  subject: string;
  gatewayId?: string;
  user?: string;
  pass?: string;
  token?: string;
  ackTimeoutMs?: number;
}

const KEYS = ['servers', 'stream', 'subject', 'gatewayId', 'user', 'pass', 'token', 'ackTimeoutMs'];
const SUBJECT = /^[^\s*>.]+(\.[^\s*>.]+)*$/;

export function createNatsSink(options: NatsSinkOptions | Record<string, unknown>): Sink {
  const o = optionBag('nats', options);
  onlyKeys('nats', o, KEYS);
  const servers = stringList('nats', o, 'servers');
  const stream = requiredString('nats', o, 'stream');
  if (!/^[A-Za-z0-9_-]+$/.test(stream)) throw new ConfigError('sinks.nats.stream', 'may only use letters, digits, _ and -');
  const gatewayId = optionalString('nats', o, 'gatewayId') ?? hostname();
  const template = requiredString('nats', o, 'subject');
  const subjectFor = compileSubject('nats', 'subject', template, gatewayId, SUBJECT);
  // The stream captures every subject the template can give.
  const streamSubject = template.replaceAll('{type}', '*').replaceAll('{gatewayId}', gatewayId);
  return new NatsSink(servers, stream, streamSubject, subjectFor, {
    user: optionalString('nats', o, 'user'),
    pass: optionalString('nats', o, 'pass'),
    token: optionalString('nats', o, 'token'),
    ackTimeoutMs: positiveInt('nats', o, 'ackTimeoutMs', 10_000, 600_000),
  });
}

interface Conn {
  user: string | undefined;
  pass: string | undefined;
  token: string | undefined;
  ackTimeoutMs: number;
}

class NatsSink implements Sink {
  readonly name = 'nats';
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;

  constructor(
    private readonly servers: string[],
    private readonly stream: string,
    private readonly streamSubject: string,
    private readonly subjectFor: SubjectFor,
    private readonly conn: Conn,
  ) {}

  async open(): Promise<void> {
    if (this.nc) return;
    const nc = await natsLib().connect({
      servers: this.servers,
      user: this.conn.user,
      pass: this.conn.pass,
      token: this.conn.token,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: 5000,
    });
    try {
      const jsm = await nc.jetstreamManager();
      const info = await jsm.streams.info(this.stream).catch(() => null);
      if (!info) await jsm.streams.add({ name: this.stream, subjects: [this.streamSubject] });
      else if (!info.config.subjects?.includes(this.streamSubject)) {
        await jsm.streams.update(this.stream, { ...info.config, subjects: [...(info.config.subjects ?? []), this.streamSubject] });
      }
    } catch (e) {
      await nc.close();
      throw new Error(`nats sink: cannot set up stream ${this.stream}: ${(e as Error).message}`);
    }
    this.nc = nc;
    this.js = nc.jetstream({ timeout: this.conn.ackTimeoutMs });
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const js = this.js;
    if (!js || !this.nc) throw new Error('nats sink: write before open');
    if (this.nc.isClosed()) throw new Error('nats sink: connection closed');
    const acks: Promise<unknown>[] = [];
    for (const r of batch) {
      const h = natsLib().headers();
      h.set('Fg-Type', r.type);
      // msgID sets Nats-Msg-Id: the stream drops a record it already holds (duplicate window).
      acks.push(js.publish(this.subjectFor(r.type), r.body, { msgID: r.id, headers: h, expect: { streamName: this.stream } }));
    }
    await withTimeout(Promise.all(acks), this.conn.ackTimeoutMs + 1000, 'nats sink');
  }

  async close(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    this.js = null;
    if (!nc) return;
    // drain() waits for the server; when it is away, give up after a while and just close.
    await withTimeout(nc.drain(), 3000, 'nats sink drain').catch(() => nc.close());
  }
}

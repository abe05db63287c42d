// A one-broker Kafka stand-in on 127.0.0.1 (Kafka cannot run on this machine). It advertises the API
// versions of a Kafka 3.x broker, so kafkajs sends what it sends to a real one: ApiVersions v2,
// Metadata v6, Produce v7 (RecordBatch v2). Any other request or version is recorded in `problems`
// and the connection is closed. Produced records are decoded (CRC checked) and kept in `messages`.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Reader, Writer, WireError, decodeRecordBatches } from './kafka-wire.js';
import { listenLoopback } from './listen.js';

export interface KafkaMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

export interface KafkaRequestSeen {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
}

export interface ProduceSeen {
  acks: number;
  timeoutMs: number;
  compression: string[];
  records: number;
}

const API = { Produce: 0, Metadata: 3, ApiVersions: 18 } as const;
// [key, min, max] as a Kafka 3.x broker answers (only the keys kafkajs' producer needs).
const ADVERTISED: [number, number, number][] = [
  [API.Produce, 0, 9],
  [API.Metadata, 0, 12],
  [API.ApiVersions, 0, 3],
];
// What the stand-in decodes; kafkajs picks min(its best, our max) = these.
const DECODES: Record<number, number> = { [API.Produce]: 7, [API.Metadata]: 6, [API.ApiVersions]: 2 };

export class KafkaStandIn {
  readonly messages: KafkaMessage[] = [];
  readonly requests: KafkaRequestSeen[] = [];
  readonly produces: ProduceSeen[] = [];
  /** Protocol problems seen (a test asserts this stays empty). */
  readonly problems: string[] = [];
  /** Error code every Produce partition answers with (0 = success; e.g. 6 NOT_LEADER, 10 MESSAGE_TOO_LARGE). */
  produceError = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly offsets = new Map<string, number>();
  private readonly topics = new Set<string>();

  private constructor(public port: number) {}

  static async start(port = 0): Promise<KafkaStandIn> {
    const k = new KafkaStandIn(port);
    await k.listen();
    return k;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Starts listening again (same port) after stop(). */
  async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((s) => this.accept(s));
    this.port = await listenLoopback(server, this.port);
    this.server = server;
  }

  /** Closes the listener and every connection (the broker is "down"). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const c of this.sockets) c.destroy();
    this.sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private accept(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => {});
    let buf: Buffer = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 4) {
        const size = buf.readInt32BE(0);
        if (size < 0 || size > 64 << 20) return this.fail(s, `bad frame size ${size}`);
        if (buf.length < 4 + size) break;
        const frame = buf.subarray(4, 4 + size);
        buf = buf.subarray(4 + size);
        let reply: Buffer | null;
        try {
          reply = this.handle(frame);
        } catch (e) {
          return this.fail(s, (e as Error).message);
        }
        if (!reply) return this.fail(s, 'unhandled request');
        const head = Buffer.alloc(4);
        head.writeInt32BE(reply.length);
        s.write(Buffer.concat([head, reply]));
      }
    });
  }

  private fail(s: Socket, problem: string): void {
    this.problems.push(problem);
    s.destroy();
  }

  /** One request frame (header v1) -> the response frame without its size (header v0 + body). */
  private handle(frame: Buffer): Buffer | null {
    const r = new Reader(frame);
    const apiKey = r.i16();
    const version = r.i16();
    const correlationId = r.i32();
    const clientId = r.str();
    this.requests.push({ apiKey, version, correlationId, clientId });
    if (DECODES[apiKey] === undefined) throw new WireError(`api key ${apiKey} v${version} not expected from a producer`);
    if (DECODES[apiKey] !== version) throw new WireError(`api key ${apiKey}: got v${version}, a Kafka 3.x broker gets v${DECODES[apiKey]} from kafkajs`);
    const w = new Writer().i32(correlationId);
    if (apiKey === API.ApiVersions) {
      w.i16(0).array(ADVERTISED, (x, [k, min, max]) => x.i16(k).i16(min).i16(max)).i32(0);
    } else if (apiKey === API.Metadata) {
      this.metadata(r, w);
    } else {
      this.produce(r, w);
    }
    if (r.off !== frame.length) throw new WireError(`api key ${apiKey}: ${frame.length - r.off} bytes left over`);
    return w.build();
  }

  private metadata(r: Reader, w: Writer): void {
    const n = r.i32();
    const asked: string[] = [];
    for (let i = 0; i < n; i++) asked.push(r.str() ?? '');
    r.i8(); // allow_auto_topic_creation: topics exist as soon as they are asked for
    for (const t of asked) this.topics.add(t);
    const topics = n < 0 ? [...this.topics] : asked;
    w.i32(0) // throttle
      .array([0], (x) => x.i32(0).str('127.0.0.1').i32(this.port).str(null))
      .str('fleetgate-stand-in')
      .i32(0) // controller
      .array(topics, (x, t) =>
        x
          .i16(0)
          .str(t)
          .i8(0)
          .array([0], (y) => y.i16(0).i32(0).i32(0).array([0], (z) => z.i32(0)).array([0], (z) => z.i32(0)).array([], () => {})),
      );
  }

  private produce(r: Reader, w: Writer): void {
    r.str(); // transactional_id
    const acks = r.i16();
    const timeoutMs = r.i32();
    const seen: ProduceSeen = { acks, timeoutMs, compression: [], records: 0 };
    const answer: { topic: string; parts: { p: number; base: number }[] }[] = [];
    const topicCount = r.i32();
    for (let t = 0; t < topicCount && t < 10_000; t++) {
      const topic = r.str() ?? '';
      const parts: { p: number; base: number }[] = [];
      const partCount = r.i32();
      for (let i = 0; i < partCount && i < 10_000; i++) {
        const partition = r.i32();
        const size = r.i32();
        const set = size < 0 ? Buffer.alloc(0) : r.raw(size);
        const key = `${topic}/${partition}`;
        const base = this.offsets.get(key) ?? 0;
        let next = base;
        for (const b of decodeRecordBatches(set)) {
          seen.compression.push(b.compression);
          if (this.produceError !== 0) continue;
          for (const rec of b.records) {
            this.messages.push({ topic, partition, offset: next++, key: rec.key, value: rec.value, headers: rec.headers, timestamp: rec.timestamp });
            seen.records++;
          }
        }
        this.offsets.set(key, next);
        parts.push({ p: partition, base });
      }
      answer.push({ topic, parts });
    }
    this.produces.push(seen);
    w.array(answer, (x, a) =>
      x.str(a.topic).array(a.parts, (y, p) =>
        y
          .i32(p.p)
          .i16(this.produceError)
          .i64(this.produceError ? -1 : p.base)
          .i64(-1)
          .i64(0),
      ),
    ).i32(0);
  }
}

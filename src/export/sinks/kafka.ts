// Kafka sink (kafkajs): a batch is one produce request per broker (`sendBatch`), and write resolves when
// the brokers acknowledged it (acks -1: every in-sync replica). The record id is the message key (consumers
// and compacted topics drop duplicates by it); headers `fg-type` and `fg-gateway` carry the record type
// and the gateway. kafkajs' own retries are kept short: the batcher owns retrying and spooling.
import { hostname } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import type { Kafka, Producer, SASLOptions, TopicMessages } from 'kafkajs';
import { lazyModule } from '../../core/lazy-module.js';
import { ConfigError } from '../../core/errors.js';
import type { Sink, SinkRecord } from './sink.js';
import { optionBag, onlyKeys, optionalString, positiveInt, requiredString, stringList, withTimeout } from './broker/options.js';
import type { OptionBag } from './broker/options.js';
import { compileSubject } from './broker/subject-template.js';
import type { SubjectFor } from './broker/subject-template.js';

const kafkaLib = lazyModule<typeof import('kafkajs')>('kafkajs');

export interface KafkaSinkOptions {
  /** host:port of one or more bootstrap brokers. */
  brokers: string | string[];
  /** Topic template; {type} and {gatewayId} are filled in. */
  topic: string;
  gatewayId?: string;
  clientId?: string;
  /** -1 (all in-sync replicas, default) or 1 (the leader). 0 is refused: it has no acknowledgement. */
  acks?: -1 | 1;
  compression?: 'none' | 'gzip';
  /** Passed to kafkajs as is: true, or node:tls connection options. */
  ssl?: boolean | ConnectionOptions;
  /** Passed to kafkajs as is: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }. */
  sasl?: Record<string, unknown>;
  /** How long a batch may wait for its acknowledgement (default 30000 ms). */
  ackTimeoutMs?: number;
}

const KEYS = ['brokers', 'topic', 'gatewayId', 'clientId', 'acks', 'compression', 'ssl', 'sasl', 'ackTimeoutMs'];
// Kafka topic names: 1..249 of [A-Za-z0-9._-].
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const BROKER = /^[^\s:/]+:\d{1,5}$/;

export function createKafkaSink(options: KafkaSinkOptions | Record<string, unknown>): Sink {
  const o = optionBag('kafka', options);
  onlyKeys('kafka', o, KEYS);
  const brokers = stringList('kafka', o, 'brokers');
  for (const b of brokers) if (!BROKER.test(b)) throw new ConfigError('sinks.kafka.brokers', `'${b}' is not host:port`);
  const gatewayId = optionalString('kafka', o, 'gatewayId') ?? hostname();
  const topicFor = compileSubject('kafka', 'topic', requiredString('kafka', o, 'topic'), gatewayId, TOPIC);
  const acks = o.acks ?? -1;
  if (acks !== -1 && acks !== 1) throw new ConfigError('sinks.kafka.acks', 'must be -1 (all replicas) or 1 (leader); 0 has no acknowledgement');
  const compression = o.compression ?? 'none';
  if (compression !== 'none' && compression !== 'gzip') throw new ConfigError('sinks.kafka.compression', "must be 'none' or 'gzip'");
  return new KafkaSink(topicFor, {
    brokers,
    gatewayId,
    clientId: optionalString('kafka', o, 'clientId') ?? `fleetgate-${gatewayId}`,
    acks,
    gzip: compression === 'gzip',
    ssl: sslOption(o),
    sasl: saslOption(o),
    ackTimeoutMs: positiveInt('kafka', o, 'ackTimeoutMs', 30_000, 600_000),
  });
}

function sslOption(o: OptionBag): boolean | ConnectionOptions | undefined {
  const v = o.ssl;
  if (v === undefined || typeof v === 'boolean') return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as ConnectionOptions;
  throw new ConfigError('sinks.kafka.ssl', 'must be true, false or an object of TLS options');
}

function saslOption(o: OptionBag): SASLOptions | undefined {
  const v = o.sasl;
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError('sinks.kafka.sasl', 'must be an object { mechanism, username, password }');
  const m = (v as { mechanism?: unknown }).mechanism;
  if (typeof m !== 'string' || !['plain', 'scram-sha-256', 'scram-sha-512', 'aws', 'oauthbearer'].includes(m)) {
    throw new ConfigError('sinks.kafka.sasl.mechanism', 'must be plain, scram-sha-256, scram-sha-512, aws or oauthbearer');
  }
  return v as unknown as SASLOptions;
}

interface Conn {
  brokers: string[];
  gatewayId: string;
  clientId: string;
  acks: -1 | 1;
  gzip: boolean;
  ssl: boolean | ConnectionOptions | undefined;
  sasl: SASLOptions | undefined;
  ackTimeoutMs: number;
}

class KafkaSink implements Sink {
  readonly name = 'kafka';
  private kafka: Kafka | null = null;
  private producer: Producer | null = null;

  constructor(
    private readonly topicFor: SubjectFor,
    private readonly conn: Conn,
  ) {}

  async open(): Promise<void> {
    if (this.producer) return;
    const lib = kafkaLib();
    const retry = { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 };
    this.kafka ??= new lib.Kafka({
      clientId: this.conn.clientId,
      brokers: this.conn.brokers,
      ssl: this.conn.ssl,
      sasl: this.conn.sasl,
      connectionTimeout: 3000,
      requestTimeout: this.conn.ackTimeoutMs,
      retry,
      logLevel: lib.logLevel.NOTHING,
    });
    const producer = this.kafka.producer({
      createPartitioner: lib.Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
      idempotent: false,
      maxInFlightRequests: 1,
      retry,
    });
    await producer.connect();
    this.producer = producer;
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('kafka sink: write before open');
    if (batch.length === 0) return;
    const byTopic = new Map<string, TopicMessages>();
    for (const r of batch) {
      const topic = this.topicFor(r.type);
      let tm = byTopic.get(topic);
      if (!tm) byTopic.set(topic, (tm = { topic, messages: [] }));
      tm.messages.push({
        key: r.id,
        value: Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength),
        headers: { 'fg-type': r.type, 'fg-gateway': this.conn.gatewayId },
      });
    }
    const lib = kafkaLib();
    try {
      await withTimeout(
        producer.sendBatch({
          topicMessages: [...byTopic.values()],
          acks: this.conn.acks,
          timeout: this.conn.ackTimeoutMs,
          compression: this.conn.gzip ? lib.CompressionTypes.GZIP : lib.CompressionTypes.None,
        }),
        this.conn.ackTimeoutMs + 5000,
        'kafka sink',
      );
    } catch (e) {
      throw new Error(`kafka sink: batch not acknowledged: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    if (p) await withTimeout(p.disconnect(), 3000, 'kafka sink disconnect').catch(() => {});
  }
}

// MQTT sink: one PUBLISH per record at QoS 1 (or 2); a batch is written when every PUBACK (PUBCOMP) came
// back. MQTT has no broker-side dedup, so the record id travels as an MQTT 5 user property `fg-id`
// (consumers drop repeats: a batch retried after a broken connection may be delivered twice).
import { hostname } from 'node:os';
import { lazyModule } from '../../core/lazy-module.js';
import type { MqttClient, IClientPublishOptions } from 'mqtt';

const mqttLib = lazyModule<typeof import('mqtt')>('mqtt');
import { ConfigError } from '../../core/errors.js';
import type { Sink, SinkRecord } from './sink.js';
import { optionBag, onlyKeys, optionalString, positiveInt, requiredString, urlWithScheme, withTimeout } from './broker/options.js';
import { compileSubject } from './broker/subject-template.js';
import type { SubjectFor } from './broker/subject-template.js';

export interface MqttSinkOptions {
  /** mqtt://, mqtts://, ws:// or wss:// broker URL. */
  url: string;
  /** Topic template; {type} and {gatewayId} are filled in. */
  topic: string;
  qos?: 1 | 2;
  gatewayId?: string;
  clientId?: string;
  username?: string;
  password?: string;
  /** How long a batch may wait for its acknowledgements (default 10000 ms). */
  ackTimeoutMs?: number;
}

const KEYS = ['url', 'topic', 'qos', 'gatewayId', 'clientId', 'username', 'password', 'ackTimeoutMs'];
// A publish topic: no wildcards, no NUL, not empty.
const TOPIC = /^[^+#\0]+$/;

export function createMqttSink(options: MqttSinkOptions | Record<string, unknown>): Sink {
  const o = optionBag('mqtt', options);
  onlyKeys('mqtt', o, KEYS);
  const url = urlWithScheme('mqtt', o, 'url', ['mqtt', 'mqtts', 'ws', 'wss', 'tcp']);
  const gatewayId = optionalString('mqtt', o, 'gatewayId') ?? hostname();
  const topicFor = compileSubject('mqtt', 'topic', requiredString('mqtt', o, 'topic'), gatewayId, TOPIC);
  const qos = o.qos ?? 1;
  if (qos !== 1 && qos !== 2) throw new ConfigError('sinks.mqtt.qos', 'must be 1 or 2 (QoS 0 has no acknowledgement)');
  return new MqttSink(url, topicFor, qos, {
    clientId: optionalString('mqtt', o, 'clientId') ?? `fleetgate-${gatewayId}`,
    username: optionalString('mqtt', o, 'username'),
    password: optionalString('mqtt', o, 'password'),
    ackTimeoutMs: positiveInt('mqtt', o, 'ackTimeoutMs', 10_000, 600_000),
  });
}

interface Conn {
  clientId: string;
  username: string | undefined;
  password: string | undefined;
  ackTimeoutMs: number;
}

class MqttSink implements Sink {
  readonly name = 'mqtt';
  private client: MqttClient | null = null;

  constructor(
    private readonly url: string,
    private readonly topicFor: SubjectFor,
    private readonly qos: 1 | 2,
    private readonly conn: Conn,
  ) {}

  async open(): Promise<void> {
    if (this.client) return;
    // mqtt.js reconnects by itself after a broker outage; write() fails fast while it is away.
    this.client = await mqttLib().connectAsync(this.url, {
      clientId: this.conn.clientId,
      username: this.conn.username,
      password: this.conn.password,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    this.client.on('error', () => {
      // Connection errors surface as failed writes; the listener keeps them from being unhandled.
    });
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('mqtt sink: write before open');
    if (batch.length === 0) return;
    if (!client.connected) throw new Error(`mqtt sink: not connected to ${this.url}`);
    let onClose: (() => void) | undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(new Error(`mqtt sink: connection to ${this.url} closed before every PUBACK arrived`));
      client.once('close', onClose);
    });
    try {
      const acks: Promise<unknown>[] = [];
      for (const r of batch) {
        const opts: IClientPublishOptions = { qos: this.qos, properties: { userProperties: { 'fg-id': r.id, 'fg-type': r.type } } };
        acks.push(client.publishAsync(this.topicFor(r.type), Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength), opts));
      }
      await withTimeout(Promise.race([Promise.all(acks), closed]), this.conn.ackTimeoutMs, 'mqtt sink');
    } finally {
      if (onClose) client.removeListener('close', onClose);
      closed.catch(() => {});
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true);
  }
}

// The sink registry: `kind` in `gateway.outputs.sinks[]` → a factory that checks the options (throwing
// ConfigError at `sinks.<kind>.<option>`) and builds the Sink without connecting (open() connects).
import { ConfigError } from '../../core/errors.js';
import type { Sink } from './sink.js';
import { optionBag, onlyKeys, requiredString, optionalString, positiveInt, urlWithScheme } from './broker/options.js';
import { optionalBool, optionalCount, stringMap } from './options.js';
import { JsonlFileSink } from './jsonl-file.js';
import { WebhookSink } from './webhook.js';
import { IpfixSink, parseHostPort } from './ipfix.js';
import { PrometheusSink } from './prometheus.js';
import { createMqttSink } from './mqtt.js';
import { createNatsSink } from './nats.js';
import { createPostgresSink } from './postgres.js';
import { createKafkaSink } from './kafka.js';
import { createElasticsearchSink } from './elasticsearch.js';

export type { Sink, SinkRecord, SinkRecordType } from './sink.js';
export { SINK_RECORD_TYPES } from './sink.js';
export { JsonlFileSink, WebhookSink, IpfixSink, PrometheusSink, parseHostPort };

export interface SinkContext {
  /** The output's name (unique per gateway). */
  name: string;
  gatewayId: string;
}

export type SinkFactory = (options: Record<string, unknown>, ctx: SinkContext) => Sink;

function jsonl(options: Record<string, unknown>, ctx: SinkContext): Sink {
  const o = optionBag('jsonl', options);
  onlyKeys('jsonl', o, ['path', 'rotateBytes', 'rotateSeconds', 'gzip']);
  return new JsonlFileSink({
    name: ctx.name,
    path: requiredString('jsonl', o, 'path'),
    rotateBytes: optionalCount('jsonl', o, 'rotateBytes', 0, 2 ** 48),
    rotateSeconds: optionalCount('jsonl', o, 'rotateSeconds', 0, 366 * 86400),
    gzip: optionalBool('jsonl', o, 'gzip', false),
  });
}

function webhook(options: Record<string, unknown>, ctx: SinkContext): Sink {
  const o = optionBag('webhook', options);
  onlyKeys('webhook', o, ['url', 'secret', 'headers', 'timeoutMs']);
  return new WebhookSink({
    name: ctx.name,
    url: urlWithScheme('webhook', o, 'url', ['http', 'https']),
    secret: optionalString('webhook', o, 'secret'),
    headers: stringMap('webhook', o, 'headers'),
    timeoutMs: positiveInt('webhook', o, 'timeoutMs', 10_000, 600_000),
  });
}

function ipfix(options: Record<string, unknown>, ctx: SinkContext): Sink {
  const o = optionBag('ipfix', options);
  onlyKeys('ipfix', o, ['collector', 'observationDomainId', 'maxMessageBytes', 'templateRefreshSeconds']);
  let hp: { host: string; port: number };
  try {
    hp = parseHostPort(requiredString('ipfix', o, 'collector'));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('sinks.ipfix.collector', (e as Error).message);
  }
  const mtu = positiveInt('ipfix', o, 'maxMessageBytes', 1400, 65535);
  if (mtu < 256) throw new ConfigError('sinks.ipfix.maxMessageBytes', 'must be at least 256');
  return new IpfixSink({
    name: ctx.name,
    ...hp,
    observationDomainId: optionalCount('ipfix', o, 'observationDomainId', 1, 0xffffffff),
    maxMessageBytes: mtu,
    templateRefreshSeconds: positiveInt('ipfix', o, 'templateRefreshSeconds', 60, 86400),
  });
}

function prometheus(options: Record<string, unknown>, ctx: SinkContext): Sink {
  const o = optionBag('prometheus', options);
  onlyKeys('prometheus', o, ['listen', 'textfile']);
  let listen: { host: string; port: number } | undefined;
  const l = optionalString('prometheus', o, 'listen');
  if (l !== undefined) {
    try {
      listen = parseHostPort(l, 9464);
    } catch (e) {
      throw new ConfigError('sinks.prometheus.listen', (e as Error).message);
    }
  }
  const textfile = optionalString('prometheus', o, 'textfile');
  if (!listen && !textfile) throw new ConfigError('sinks.prometheus', "needs 'listen' (host:port) or 'textfile' (or both)");
  return new PrometheusSink({ name: ctx.name, gatewayId: ctx.gatewayId, listen, textfile });
}

/** Broker sinks (helper V's files) take their gateway id as an option; fill it in when absent. */
const withGateway =
  (create: (o: Record<string, unknown>) => Sink): SinkFactory =>
  (o, ctx) =>
    create(o.gatewayId === undefined ? { ...o, gatewayId: ctx.gatewayId } : o);

export const SINK_FACTORIES: Record<string, SinkFactory> = {
  jsonl,
  webhook,
  ipfix,
  prometheus,
  mqtt: withGateway(createMqttSink),
  nats: withGateway(createNatsSink),
  postgres: (o) => createPostgresSink(o),
  kafka: withGateway(createKafkaSink),
  elasticsearch: (o) => createElasticsearchSink(o),
};

export const SINK_KINDS = (): string[] => Object.keys(SINK_FACTORIES);

export function createSink(kind: string, options: Record<string, unknown>, ctx: SinkContext): Sink {
  const f = SINK_FACTORIES[kind];
  if (!f) throw new ConfigError('kind', `unknown sink kind '${kind}' (known: ${SINK_KINDS().join(', ')})`);
  return f(options, ctx);
}

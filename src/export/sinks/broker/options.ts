// Option checks shared by the broker/database sinks (MQTT, NATS, PostgreSQL, Kafka, Elasticsearch):
// each failure is a ConfigError naming the option path, e.g. `sinks.mqtt.url: must be a non-empty string`.
import { ConfigError } from '../../../core/errors.js';

export type OptionBag = Record<string, unknown>;

export function optionBag(sink: string, options: unknown): OptionBag {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`sinks.${sink}`, 'must be an object of options');
  }
  return options as OptionBag;
}

/** Rejects keys the sink does not know, so a typo never silently falls back to a default. */
export function onlyKeys(sink: string, o: OptionBag, known: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new ConfigError(`sinks.${sink}.${k}`, `unknown option (known: ${known.join(', ')})`);
  }
}

export function requiredString(sink: string, o: OptionBag, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(`sinks.${sink}.${key}`, 'must be a non-empty string');
  return v;
}

export function optionalString(sink: string, o: OptionBag, key: string): string | undefined {
  if (o[key] === undefined) return undefined;
  return requiredString(sink, o, key);
}

/** A string or a non-empty array of strings (server lists), returned as an array. */
export function stringList(sink: string, o: OptionBag, key: string): string[] {
  const v = o[key];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s.trim() !== '')) {
    throw new ConfigError(`sinks.${sink}.${key}`, 'must be a non-empty string or a non-empty list of strings');
  }
  return list as string[];
}

export function positiveInt(sink: string, o: OptionBag, key: string, dflt: number, max: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > max) {
    throw new ConfigError(`sinks.${sink}.${key}`, `must be an integer in 1..${max}`);
  }
  return v;
}

/** A URL string with one of the given schemes. */
export function urlWithScheme(sink: string, o: OptionBag, key: string, schemes: readonly string[]): string {
  const s = requiredString(sink, o, key);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(`sinks.${sink}.${key}`, `is not a URL: ${JSON.stringify(s)}`);
  }
  if (!schemes.includes(u.protocol.slice(0, -1))) {
    throw new ConfigError(`sinks.${sink}.${key}`, `scheme must be one of ${schemes.join(', ')} (got ${u.protocol})`);
  }
  return s;
}

/** Rejects when `p` has not settled within `ms` (a destination that never acknowledges is a failure). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no acknowledgement within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

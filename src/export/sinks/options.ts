// Option checks for the file, webhook, IPFIX and Prometheus sinks, in the style of broker/options.ts:
// each failure is a ConfigError naming `sinks.<kind>.<option>`.
import { ConfigError } from '../../core/errors.js';
import type { OptionBag } from './broker/options.js';

export function optionalBool(sink: string, o: OptionBag, key: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ConfigError(`sinks.${sink}.${key}`, 'must be true or false');
  return v;
}

/** A non-negative integer (0 = off) up to max. */
export function optionalCount(sink: string, o: OptionBag, key: string, dflt: number, max: number): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new ConfigError(`sinks.${sink}.${key}`, `must be an integer in 0..${max}`);
  return v;
}

export function stringMap(sink: string, o: OptionBag, key: string): Record<string, string> | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw new ConfigError(`sinks.${sink}.${key}`, 'must be a mapping of strings');
  }
  return v as Record<string, string>;
}

// Topic/subject templates for the broker sinks: `fleet/{gatewayId}/{type}` -> `fleet/gw-1/flow`.
// Only {type} and {gatewayId} are known; anything else in braces is a config error.
import { ConfigError } from '../../../core/errors.js';
import { SINK_RECORD_TYPES } from '../sink.js';
import type { SinkRecordType } from '../sink.js';

export type SubjectFor = (type: SinkRecordType) => string;

/**
 * Checks the template once and precomputes the subject of every record type (no string work per record).
 * `allowed` is the character set a filled-in subject may use (MQTT forbids + and #, NATS forbids spaces...).
 */
export function compileSubject(
  sink: string,
  key: string,
  template: string,
  gatewayId: string,
  allowed: RegExp,
): SubjectFor {
  const unknown = /\{(?!type\}|gatewayId\})[^}]*\}/.exec(template);
  if (unknown) throw new ConfigError(`sinks.${sink}.${key}`, `unknown placeholder ${unknown[0]} (known: {type}, {gatewayId})`);
  const table = new Map<SinkRecordType, string>();
  for (const type of SINK_RECORD_TYPES) {
    const s = template.replaceAll('{type}', type).replaceAll('{gatewayId}', gatewayId);
    if (!allowed.test(s)) throw new ConfigError(`sinks.${sink}.${key}`, `gives an invalid name ${JSON.stringify(s)}`);
    table.set(type, s);
  }
  return (type) => table.get(type) ?? '';
}

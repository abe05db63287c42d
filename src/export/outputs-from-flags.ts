// The command line's output flags (--ipfix, --output kind:target, --spool) merged with the config's
// `gateway.outputs` into one OutputsConfig; undefined when there are no outputs at all.
import { FleetgateError } from '../core/errors.js';
import type { OutputsConfig, OutputSinkConfig } from '../control/config/types.js';

const ALL_TYPES: OutputSinkConfig['types'] = ['inspection', 'flow', 'alert', 'anomaly', 'eve'];

function flagSink(kind: string, target: string, n: number): OutputSinkConfig {
  const base = { name: `cli-${kind}-${n}`, kind, envelope: true, batchSize: 500 };
  switch (kind) {
    case 'jsonl':
      return { ...base, types: ALL_TYPES, options: { path: target } };
    case 'webhook':
      return { ...base, types: ALL_TYPES, options: { url: target } };
    case 'ipfix':
      return { ...base, types: ['flow'], envelope: false, options: { collector: target } };
    case 'prometheus':
      return { ...base, types: ['flow', 'inspection'], envelope: false, options: { textfile: target } };
    default:
      throw new FleetgateError('FG_ERR_USAGE', `--output: unknown kind '${kind}' (jsonl, webhook, ipfix, prometheus; others through gateway.outputs in the config)`);
  }
}

export function outputsFromFlags(
  fromConfig: OutputsConfig | undefined,
  flags: { ipfix?: string; output?: string[]; spool?: string },
): OutputsConfig | undefined {
  const sinks: OutputSinkConfig[] = [...(fromConfig?.sinks ?? [])];
  let n = 0;
  if (flags.ipfix) sinks.push(flagSink('ipfix', flags.ipfix, ++n));
  for (const o of flags.output ?? []) {
    const i = o.indexOf(':');
    if (i <= 0 || i === o.length - 1) throw new FleetgateError('FG_ERR_USAGE', `--output '${o}': expected <kind>:<target>, e.g. jsonl:flows.jsonl or ipfix:127.0.0.1:9995`);
    sinks.push(flagSink(o.slice(0, i), o.slice(i + 1), ++n));
  }
  if (sinks.length === 0) return undefined;
  // --spool is durable: every record is on disk before it is sent, so a killed run loses nothing
  const spool = flags.spool ? { dir: flags.spool, limitBytes: fromConfig?.spool?.limitBytes ?? 1 << 30, durable: true } : fromConfig?.spool;
  return spool ? { spool, sinks } : { sinks };
}

// Checks on `gateway.outputs` the schema cannot express: unique output names, and each sink's own
// options, checked by building the sink (its factory validates without connecting).
import { ConfigError } from '../../core/errors.js';
import { createSink, SINK_FACTORIES } from '../../export/sinks/index.js';
import type { RawProblem } from './schema-problems.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const OUTPUT_KEYS = new Set(['name', 'kind', 'types', 'envelope', 'batchSize']);

export function outputProblems(outputs: Obj): RawProblem[] {
  const out: RawProblem[] = [];
  if (!Array.isArray(outputs.sinks)) return out;
  const names = new Map<string, number>();
  outputs.sinks.forEach((s, i) => {
    if (!isObj(s)) return;
    const at = ['gateway', 'outputs', 'sinks', i];
    if (typeof s.name === 'string') {
      const first = names.get(s.name);
      if (first !== undefined) out.push({ segs: [...at, 'name'], problem: `duplicates the name of gateway.outputs.sinks[${first}]` });
      else names.set(s.name, i);
    }
    if (typeof s.kind !== 'string') return;
    if (!(s.kind in SINK_FACTORIES)) {
      // in the schema's list but not built into this version
      if (['jsonl', 'webhook', 'ipfix', 'prometheus', 'mqtt', 'nats', 'postgres', 'kafka', 'elasticsearch'].includes(s.kind)) {
        out.push({ segs: [...at, 'kind'], problem: `sink kind '${s.kind}' is not available in this build (available: ${Object.keys(SINK_FACTORIES).join(', ')})` });
      }
      return;
    }
    const options: Obj = {};
    for (const [k, v] of Object.entries(s)) if (!OUTPUT_KEYS.has(k)) options[k] = v;
    try {
      createSink(s.kind, options, { name: typeof s.name === 'string' ? s.name : `sink${i}`, gatewayId: 'check' });
    } catch (e) {
      if (!(e instanceof ConfigError)) {
        out.push({ segs: at, problem: (e as Error).message });
        return;
      }
      const rest = e.path.replace(/^sinks\.[^.]+\.?/, '');
      out.push({ segs: rest ? [...at, ...rest.split('.')] : at, problem: e.problem });
    }
  });
  return out;
}

// Checks a record against schemas/eve-record.schema.json with the project's shared ajv. For tests
// and consumers; not on the hot path. Compiled once, on first use.
import type { ValidateFunction } from 'ajv';
import { sharedAjv } from '../../../control/config/ajv.js';
import { readSchemaFile } from '../../../control/config/schema-file.js';
import { formatPath, pointerToSegments } from '../../../control/config/config-path.js';

let validator: ValidateFunction | undefined;

/**
 * Problems with a record, one sentence each (`src_port: must be integer`); empty when valid. Also
 * checks what the schema cannot: flow.start <= flow.end and timestamp = flow.start on flow records.
 */
export function validateEveRecord(obj: unknown): string[] {
  validator ??= sharedAjv().compile(readSchemaFile('eve-record.schema.json'));
  if (!validator(obj)) {
    const seen = new Set<string>();
    for (const e of validator.errors ?? []) {
      // if/then failures repeat the failing branch's own error; keep the specific one.
      if (e.keyword === 'if') continue;
      const segs = pointerToSegments(e.instancePath);
      if (e.keyword === 'additionalProperties') segs.push(String((e.params as { additionalProperty: string }).additionalProperty));
      if (e.keyword === 'required') segs.push(String((e.params as { missingProperty: string }).missingProperty));
      const problem =
        e.keyword === 'additionalProperties' ? 'is not a record field'
          : e.keyword === 'required' ? 'is required'
            : e.keyword === 'false schema' ? 'is not allowed for this event_type'
              : (e.message ?? e.keyword);
      seen.add(`${formatPath(segs) || '(root)'}: ${problem}`);
    }
    return [...seen];
  }
  const r = obj as { event_type: string; timestamp: string; flow?: { start: string; end: string } };
  const out: string[] = [];
  if (r.event_type === 'flow' && r.flow) {
    // Same fixed-width format everywhere, so string order is time order.
    if (r.flow.start > r.flow.end) out.push('flow: start is after end');
    if (r.timestamp !== r.flow.start) out.push('timestamp: is not flow.start');
  }
  return out;
}

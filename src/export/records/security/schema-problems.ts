// Validates a record against one of the record schemas (schemas/<name>) with the project's shared ajv,
// compiled once on first use; problems come back one sentence each (`alert.severity: must be >= 1`).
import type { ValidateFunction } from 'ajv';
import { sharedAjv } from '../../../control/config/ajv.js';
import { readSchemaFile } from '../../../control/config/schema-file.js';
import { formatPath, pointerToSegments } from '../../../control/config/config-path.js';

export function schemaValidator(file: string): (obj: unknown) => string[] {
  let validator: ValidateFunction | undefined;
  return (obj) => {
    validator ??= sharedAjv().compile(readSchemaFile(file));
    if (validator(obj)) return [];
    const seen = new Set<string>();
    for (const e of validator.errors ?? []) {
      const segs = pointerToSegments(e.instancePath);
      if (e.keyword === 'additionalProperties') segs.push(String((e.params as { additionalProperty: string }).additionalProperty));
      if (e.keyword === 'required') segs.push(String((e.params as { missingProperty: string }).missingProperty));
      const problem = e.keyword === 'additionalProperties' ? 'is not a record field' : e.keyword === 'required' ? 'is required' : (e.message ?? e.keyword);
      seen.add(`${formatPath(segs) || '(root)'}: ${problem}`);
    }
    return [...seen];
  };
}

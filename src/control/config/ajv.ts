// One ajv instance (draft 2020-12) for the project's schemas. `x-problem` and `x-unit` are our own
// annotation keywords: a human sentence for a failed pattern, and the unit of a number range.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { lazyModule } from '../../core/lazy-module.js';

const ajvLib = lazyModule<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');

let shared: Ajv2020 | undefined;

export function sharedAjv(): Ajv2020 {
  if (!shared) {
    shared = new (ajvLib().Ajv2020)({ allErrors: true, verbose: true, strict: true, useDefaults: false });
    shared.addVocabulary(['x-problem', 'x-unit']);
  }
  return shared;
}

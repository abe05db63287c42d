// Errors the store raises for a refused change. The API maps `kind` to its stable codes
// (validation → FG_API_VALIDATION, not_found → FG_API_NOT_FOUND, conflict → FG_API_CONFLICT).

export type StoreErrorKind = 'validation' | 'not_found' | 'conflict';

export interface StoreProblem {
  /** Where in the request, e.g. `body.deviceSubnets[1]`, `line 7`. */
  path: string;
  problem: string;
}

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly problems: StoreProblem[] = [],
  ) {
    super(message);
    this.name = 'StoreError';
  }

  static notFound(what: string): StoreError {
    return new StoreError('not_found', `${what} not found`);
  }

  static conflict(message: string): StoreError {
    return new StoreError('conflict', message);
  }

  /** One or more validation problems; the message lists the first few. */
  static invalid(problems: StoreProblem[]): StoreError {
    const head = problems.slice(0, 3).map((p) => `${p.path}: ${p.problem}`).join('; ');
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    return new StoreError('validation', `${head}${more}`, problems);
  }
}

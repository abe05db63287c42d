// Errors with stable codes (FG_ERR_*): messages for people, codes for programs and tests.

export type ErrorCode =
  | 'FG_ERR_CONFIG'
  | 'FG_ERR_CAPTURE_FORMAT'
  | 'FG_ERR_CAPTURE_TRUNCATED'
  | 'FG_ERR_USAGE'
  | 'FG_ERR_IO'
  | 'FG_ERR_NOT_FOUND'
  | 'FG_ERR_UNSUPPORTED';

export class FleetgateError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FleetgateError';
  }
}

/** A config problem at a path inside the config document (e.g. `devices[3].ip`). */
export class ConfigError extends FleetgateError {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super('FG_ERR_CONFIG', `${file ? `${file}: ` : ''}${path || '(root)'}: ${problem}`, { path, problem, file });
    this.name = 'ConfigError';
  }
}

/** A capture file that is truncated or corrupt at a byte offset; frames before it were delivered. */
export class CaptureError extends FleetgateError {
  constructor(
    code: 'FG_ERR_CAPTURE_FORMAT' | 'FG_ERR_CAPTURE_TRUNCATED',
    readonly file: string,
    readonly offset: number,
    problem: string,
  ) {
    super(code, `${file}: ${problem} at byte offset ${offset}`, { file, offset, problem });
    this.name = 'CaptureError';
  }
}

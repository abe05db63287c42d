// API errors: `{ error: { code, message, problems? } }` with stable codes. Every failure goes through
// toErrorReply, so store errors, schema validation, body limits and rate limits all share one shape.
import type { FastifyError } from 'fastify';
import { StoreError, type StoreProblem } from '../control/store/store-error.js';

export type ApiErrorCode =
  | 'FG_API_BAD_REQUEST'
  | 'FG_API_VALIDATION'
  | 'FG_API_UNAUTHORIZED'
  | 'FG_API_FORBIDDEN'
  | 'FG_API_NOT_FOUND'
  | 'FG_API_CONFLICT'
  | 'FG_API_PAYLOAD_TOO_LARGE'
  | 'FG_API_UNSUPPORTED_MEDIA_TYPE'
  | 'FG_API_RATE_LIMITED'
  | 'FG_API_UNAVAILABLE'
  | 'FG_API_INTERNAL';

export const API_ERROR_CODES: readonly ApiErrorCode[] = [
  'FG_API_BAD_REQUEST',
  'FG_API_VALIDATION',
  'FG_API_UNAUTHORIZED',
  'FG_API_FORBIDDEN',
  'FG_API_NOT_FOUND',
  'FG_API_CONFLICT',
  'FG_API_PAYLOAD_TOO_LARGE',
  'FG_API_UNSUPPORTED_MEDIA_TYPE',
  'FG_API_RATE_LIMITED',
  'FG_API_UNAVAILABLE',
  'FG_API_INTERNAL',
];

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly problems: StoreProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; problems?: StoreProblem[] };
}

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...API_ERROR_CODES] },
        message: { type: 'string' },
        problems: {
          type: 'array',
          items: { type: 'object', required: ['path', 'problem'], properties: { path: { type: 'string' }, problem: { type: 'string' } } },
        },
      },
    },
  },
} as const;

const STORE_STATUS = { validation: [400, 'FG_API_VALIDATION'], not_found: [404, 'FG_API_NOT_FOUND'], conflict: [409, 'FG_API_CONFLICT'] } as const;

const FASTIFY_CODES: Record<string, [number, ApiErrorCode]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'FG_API_PAYLOAD_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'FG_API_UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'FG_API_BAD_REQUEST'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'FG_API_VALIDATION'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'FG_API_VALIDATION'],
};

/** Status and body for any error thrown while handling a request; `internal` when it is a bug. */
export function toErrorReply(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  const reply = (status: number, code: ApiErrorCode, message: string, problems: StoreProblem[] = []) => ({
    status,
    body: { error: { code, message, ...(problems.length > 0 && { problems }) } },
    internal: false,
  });
  if (err instanceof ApiError) return reply(err.statusCode, err.code, err.message, err.problems);
  if (err instanceof StoreError) {
    const [status, code] = STORE_STATUS[err.kind];
    return reply(status, code, err.message, err.problems);
  }
  const fe = err as Partial<FastifyError> & { validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    const ctx = fe.validationContext ?? 'body';
    const problems = fe.validation.map((v) => {
      const extra = v.params && typeof v.params.additionalProperty === 'string' ? ` (${v.params.additionalProperty})` : '';
      return { path: `${ctx}${(v.instancePath ?? '').replace(/\//g, '.')}`, problem: `${v.message ?? 'is invalid'}${extra}` };
    });
    return reply(400, 'FG_API_VALIDATION', problems.map((p) => `${p.path}: ${p.problem}`).join('; '), problems);
  }
  if (fe && typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) {
    const [status, code] = FASTIFY_CODES[fe.code];
    return reply(status, code, fe.message ?? code);
  }
  const status = fe && typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 429) return reply(429, 'FG_API_RATE_LIMITED', (fe.message as string | undefined) ?? 'too many requests');
  if (status >= 400 && status < 500) return reply(status, status === 404 ? 'FG_API_NOT_FOUND' : 'FG_API_BAD_REQUEST', fe.message ?? 'bad request');
  return { status: 500, body: { error: { code: 'FG_API_INTERNAL', message: 'internal error' } }, internal: true };
}

// The REST API (fastify): buildServer, error codes, and the thin client the CLI uses.
export { buildServer, type ServerOptions } from './server.js';
export { BODY_LIMIT, CSV_BODY_LIMIT } from './limits.js';
export { ApiError, API_ERROR_CODES, type ApiErrorCode, type ErrorBody } from './errors.js';

// Authentication primitives: API key format, hashing, constant-time check, scopes, actors.
export { newKey, newKeyId, parseKey, hashSecret, secretMatches, hasScope, SCOPES, type Scope, type ParsedKey } from './api-key.js';
export { systemActor, type Actor } from './actor.js';

// Outputs' secrets are write-only through the API: webhook secrets, passwords, tokens, API keys, SASL
// settings and the password part of a URL are shown as "***". Sending "***" back (or a URL with
// "***" as its password) keeps the stored value, so a client can GET, edit and PUT the list.
import type { StoreProblem } from './store-error.js';

export const MASK = '***';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Option (or header) names whose whole value is a secret (`key`/`pfx`/`passphrase`: a TLS client key, e.g. kafka ssl). */
const SECRET_KEY = /secret|passw|^pass$|token|api[-_]?key|sasl|credential|authorization|cookie|private[-_]?key|^key$|^pfx$|passphrase/i;
/** `scheme://user:password@host…`: the password part. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@/\s]+)@/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function maskString(s: string): string {
  return s.replace(URL_PASSWORD, `$1${MASK}@`);
}

/** A copy of an output's options with every secret replaced by "***". */
export function maskOptions(v: unknown, key = ''): unknown {
  if (key && isSecretKey(key) && v !== undefined && v !== null && v !== '') return MASK;
  if (typeof v === 'string') return maskString(v);
  if (Array.isArray(v)) return v.map((x) => maskOptions(x));
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskOptions(x, k);
    return out;
  }
  return v;
}

/**
 * Puts the stored secrets back where the new options say "***" (old = the stored options of the
 * output with the same name and kind, if any). Problems go to `problems` at `path`.
 */
export function restoreSecrets(v: unknown, old: unknown, path: string, problems: StoreProblem[], key = ''): unknown {
  if (v === MASK && key && isSecretKey(key)) {
    if (old === undefined || old === null) problems.push({ path, problem: `'${MASK}' keeps the stored secret, but this output has none stored: send the value` });
    return old;
  }
  if (typeof v === 'string') {
    if (typeof old === 'string' && v !== old && v.includes(MASK) && maskString(old) === v) return old;
    if (URL_PASSWORD.exec(v)?.[2] === MASK) problems.push({ path, problem: `'${MASK}' as the password keeps the stored one, but the stored URL differs or has none: send the password` });
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => restoreSecrets(x, Array.isArray(old) ? old[i] : undefined, `${path}[${i}]`, problems));
  if (isObj(v)) {
    const o = isObj(old) ? old : {};
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = restoreSecrets(x, o[k], /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, problems, k);
    return out;
  }
  return v;
}

/** Every secret value in an output's options (for scrubbing messages that might echo them). */
export function secretValues(v: unknown, key = '', out: string[] = []): string[] {
  if (key && isSecretKey(key)) {
    if (typeof v === 'string' && v !== MASK && v !== '') out.push(v);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) secretValues(x, key, out);
    return out;
  }
  if (typeof v === 'string') {
    const pw = URL_PASSWORD.exec(v)?.[2];
    if (pw && pw !== MASK) out.push(pw);
  } else if (Array.isArray(v)) for (const x of v) secretValues(x, '', out);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) secretValues(x, k, out);
  return out;
}

/** text with every one of the secrets replaced by "***". */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join(MASK);
  return out;
}

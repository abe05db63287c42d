// AppMeta → the EVE app-layer objects (dns, http, tls, quic, mqtt). Each builder copies only the
// fields that are known: unknown fields are absent, never null. A builder returns undefined when the
// meta has nothing worth a record.
import type { AppMeta } from '../../../classify/dissector.js';
import type { EveDnsSection, EveHttpSection, EveMqttSection, EveQuicSection, EveTlsSection } from './eve-types.js';
import { eveQuicVersion } from './eve-names.js';

/** Copies the listed keys whose values are defined; returns undefined when none is. */
function pick<T extends object, K extends keyof T>(src: T, keys: readonly K[]): Pick<T, K> | undefined {
  const out: Partial<Pick<T, K>> = {};
  let n = 0;
  for (const k of keys) {
    const v = src[k];
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? (v.slice() as T[K]) : v;
    n++;
  }
  return n > 0 ? (out as Pick<T, K>) : undefined;
}

export function eveDns(meta: AppMeta): EveDnsSection | undefined {
  const d = meta.dns;
  if (!d) return undefined;
  const out: EveDnsSection = { version: 3, type: d.type, id: d.id };
  if (d.rcode !== undefined) out.rcode = d.rcode;
  if (d.queries.length > 0) out.queries = d.queries.map((q) => ({ rrname: q.rrname, rrtype: q.rrtype }));
  if (d.answers && d.answers.length > 0) {
    out.answers = d.answers.map((a) => ({ rrname: a.rrname, rrtype: a.rrtype, ttl: a.ttl, rdata: a.rdata }));
  }
  return out;
}

const HTTP_KEYS = ['hostname', 'url', 'http_user_agent', 'http_content_type', 'http_method', 'protocol', 'status'] as const;

export function eveHttp(meta: AppMeta): EveHttpSection | undefined {
  if (!meta.http) return undefined;
  const out: EveHttpSection | undefined = pick(meta.http, HTTP_KEYS);
  // EVE `length` is the body size; dissectors may leave it in extra when they saw Content-Length.
  const len = meta.extra?.http_length;
  if (typeof len === 'number' && Number.isInteger(len) && len >= 0) return { ...out, length: len };
  return out;
}

const TLS_KEYS = ['sni', 'version', 'subject', 'issuerdn', 'ja3', 'ja3s', 'ja4', 'client_alpns', 'server_alpns'] as const;

export function eveTls(meta: AppMeta): EveTlsSection | undefined {
  if (!meta.tls) return undefined;
  const out = pick(meta.tls, TLS_KEYS);
  if (!out) return undefined;
  if (out.ja3) out.ja3 = { hash: out.ja3.hash, string: out.ja3.string };
  if (out.ja3s) out.ja3s = { hash: out.ja3s.hash, string: out.ja3s.string };
  return out;
}

/** TLS extension number of ALPN, as Suricata's quic `extensions[].type` says it. */
const EXT_ALPN = 16;

export function eveQuic(meta: AppMeta): EveQuicSection | undefined {
  const q = meta.quic;
  if (!q) return undefined;
  const out: EveQuicSection = {};
  if (q.version) out.version = eveQuicVersion(q.version);
  if (q.sni) out.sni = q.sni;
  const x = meta.extra;
  // The QUIC dissector keeps ja3 (hash only) and ja4 in extra: AppMeta.quic has no field for them.
  if (typeof x?.quic_ja3 === 'string') out.ja3 = { hash: x.quic_ja3 };
  if (typeof x?.quic_ja4 === 'string') out.ja4 = x.quic_ja4;
  if (q.client_alpns && q.client_alpns.length > 0) out.extensions = [{ name: 'alpn', type: EXT_ALPN, values: q.client_alpns.slice() }];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** MQTT protocol name by level: 3 = MQTT 3.1 ("MQIsdp"), 4 = 3.1.1, 5 = 5.0 (both "MQTT"). */
function mqttProtocolString(level: number): string | undefined {
  if (level === 3) return 'MQIsdp';
  if (level === 4 || level === 5) return 'MQTT';
  return undefined;
}

export function eveMqtt(meta: AppMeta): EveMqttSection | undefined {
  const m = meta.mqtt;
  if (!m) return undefined;
  const out: EveMqttSection = {};
  const connect: NonNullable<EveMqttSection['connect']> = {};
  if (m.protocol_version !== undefined) {
    const ps = mqttProtocolString(m.protocol_version);
    if (ps !== undefined) connect.protocol_string = ps;
    connect.protocol_version = m.protocol_version;
  }
  if (m.client_id !== undefined) connect.client_id = m.client_id;
  if (m.username_present !== undefined) connect.flags = { username: m.username_present };
  if (Object.keys(connect).length > 0) out.connect = connect;
  if (m.topics && m.topics.length > 0) out.topics = m.topics.slice();
  return Object.keys(out).length > 0 ? out : undefined;
}

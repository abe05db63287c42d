// JSON Schemas shared by the routes (request validation, response serialization, OpenAPI).
import { errorSchema } from './errors.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const strArr = { type: 'array', items: str } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const idParam = (...names: string[]) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string', minLength: 1, maxLength: 128 }])),
});

export const nameText = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const operatorSchema = { type: 'object', required: ['id', 'name', 'created'], properties: { id: str, name: str, created: str } } as const;

export const keySchema = {
  type: 'object',
  required: ['id', 'name', 'scopes', 'created', 'lastUsed'],
  properties: { id: str, name: str, scopes: { type: 'array', items: { type: 'string', enum: ['read', 'write'] } }, created: str, lastUsed: nullableStr },
} as const;

export const inspectionSchema = {
  type: 'object',
  required: ['enabled', 'intervalSeconds', 'topDestinations'],
  properties: { enabled: bool, intervalSeconds: { type: 'integer', minimum: 10, maximum: 3600 }, topDestinations: { type: 'integer', minimum: 1, maximum: 1000 } },
} as const;

export const peerFilterSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    protocols: { type: 'array', maxItems: 3, items: { type: 'string', enum: ['tcp', 'udp', 'icmp'] } },
    cidrs: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 64 } },
    ports: { type: 'array', maxItems: 64, items: { type: 'integer', minimum: 0, maximum: 65535 } },
  },
} as const;

const peerProps = {
  ipAddress: { type: 'string', maxLength: 64 },
  protocol: { type: 'string', enum: ['gre', 'vxlan'] },
  key: { type: 'integer', minimum: 0, maximum: 4294967295 },
  vni: { type: 'integer', minimum: 0, maximum: 16777215 },
  enabled: bool,
  description: { type: 'string', maxLength: 256 },
  truncate: { type: 'integer', minimum: 64, maximum: 65535 },
  filter: peerFilterSchema,
} as const;

export const peerSchema = { type: 'object', required: ['ipAddress', 'protocol', 'enabled'], properties: peerProps } as const;
export const peerBody = { type: 'object', additionalProperties: false, required: ['ipAddress', 'protocol'], properties: peerProps } as const;
export const peerUpdateBody = { type: 'object', additionalProperties: false, required: ['protocol'], properties: peerProps } as const;

const targetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['address', 'protocol', 'vni'],
  properties: {
    address: { type: 'string', maxLength: 64 },
    protocol: { type: 'string', enum: ['vxlan', 'geneve'] },
    vni: { type: 'integer', minimum: 1, maximum: 16777215 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    /** The appliance's address inside the tunnel: health probes go there (absent: not probed). */
    innerAddress: { type: 'string', maxLength: 64 },
  },
} as const;

export const redirectionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'gateway'],
  properties: {
    enabled: bool,
    gateway: targetSchema,
    standby: targetSchema,
    description: { type: 'string', maxLength: 256 },
    /** The gateway's IPv4 address inside the tunnel: the source of health probes (required with innerAddress). */
    localAddress: { type: 'string', maxLength: 64 },
    /** UDP port the redirection socket binds (where peers send packets back); default any free port. */
    localPort: { type: 'integer', minimum: 0, maximum: 65535 },
    probe: {
      type: 'object',
      additionalProperties: false,
      properties: { intervalMs: { type: 'integer', minimum: 50, maximum: 60000 }, threshold: { type: 'integer', minimum: 1, maximum: 10 } },
    },
    selector: {
      type: 'object',
      additionalProperties: false,
      properties: {
        groups: { type: 'array', maxItems: 256, items: nameText },
        tags: { type: 'array', maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 64 } },
        cidrs: { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 64 } },
      },
    },
  },
} as const;

export const junctionSchema = {
  type: 'object',
  required: ['inspection', 'mirroring', 'redirection'],
  properties: {
    inspection: inspectionSchema,
    mirroring: { type: 'object', required: ['peers'], properties: { peers: { type: 'array', items: peerSchema } } },
    redirection: { anyOf: [redirectionSchema, { type: 'null' }] },
  },
} as const;

export const gatewaySchema = {
  type: 'object',
  required: ['id', 'name', 'deviceSubnets', 'maxUnregisteredDevices', 'junction', 'version', 'created', 'updated'],
  properties: {
    id: str,
    name: str,
    deviceSubnets: strArr,
    maxUnregisteredDevices: int,
    junction: junctionSchema,
    version: int,
    created: str,
    updated: str,
  },
} as const;

export const groupSchema = {
  type: 'object',
  required: ['name', 'policy', 'created'],
  properties: { name: str, description: str, policy: { type: 'object', additionalProperties: true }, created: str },
} as const;

const deviceProps = {
  imsi: { type: 'string', pattern: '^[0-9]{14,15}$' },
  ip: { type: 'string', maxLength: 64 },
  name: nameText,
  group: nameText,
  tags: { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 } },
  teid: { type: 'integer', minimum: 1, maximum: 4294967295 },
  downlinkTeid: { type: 'integer', minimum: 1, maximum: 4294967295 },
  status: { type: 'string', enum: ['active', 'quarantined'] },
} as const;

export const deviceSchema = {
  type: 'object',
  required: ['id', 'ip', 'tags', 'status', 'created', 'updated'],
  properties: { id: str, ...deviceProps, created: str, updated: str },
} as const;
export const deviceBody = { type: 'object', additionalProperties: false, required: ['ip'], properties: deviceProps } as const;
export const devicePatchBody = { type: 'object', additionalProperties: false, minProperties: 1, properties: deviceProps } as const;

export const captureSchema = {
  type: 'object',
  required: ['sessionId', 'status', 'createdTime', 'duration', 'prefix'],
  properties: {
    sessionId: str,
    status: { type: 'string', enum: ['CAPTURING', 'DONE', 'STOPPED', 'FAILED'] },
    createdTime: str,
    startedTime: str,
    endedTime: str,
    duration: int,
    prefix: str,
    deviceIp: str,
    failedReason: str,
    url: str,
  },
} as const;

export const auditSchema = {
  type: 'object',
  required: ['id', 'at', 'keyId', 'action', 'resource', 'details'],
  properties: { id: int, at: str, keyId: nullableStr, action: str, resource: str, details: {} },
} as const;

/** A free-form JSON record (reports and flows keep the shape the data path emitted). */
export const recordSchema = { type: 'object', additionalProperties: true } as const;

export const listOf = (item: object) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } });

/** Error responses every route declares. */
export const errors = { '4xx': errorSchema, '5xx': errorSchema } as const;

/** A gateway's outputs, the shape of `gateway.outputs` in the YAML (docs/outputs.md); secrets read "***". */
export const outputsSchema = {
  type: 'object',
  required: ['sinks'],
  properties: {
    spool: { type: 'object', properties: { dir: str, limitBytes: int, durable: bool } },
    sinks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'kind', 'types', 'envelope', 'batchSize'],
        additionalProperties: true,
        properties: { name: str, kind: str, types: strArr, envelope: bool, batchSize: int },
      },
    },
  },
} as const;

/** The PUT body: checked by the store with the YAML loader's checks (same messages), so only its outline is here. */
export const outputsBody = {
  type: 'object',
  description: "Same shape as `gateway.outputs` in the YAML: { spool?: { dir, limitBytes?, durable? }, sinks: [{ name, kind, types?, envelope?, batchSize?, ...the kind's options }] }. Files (jsonl path, prometheus textfile, spool dir) are relative paths inside the gateway's outputs folder. A secret sent as \"***\" keeps the stored one.",
  properties: { spool: { type: 'object' }, sinks: { type: 'array', items: { type: 'object', additionalProperties: true } } },
} as const;

export const outputStatusSchema = {
  type: 'object',
  required: ['name', 'kind', 'state', 'queued', 'sent', 'retried', 'spooled', 'dropped', 'lastError'],
  properties: {
    name: str,
    kind: str,
    state: { type: 'string', enum: ['opening', 'open', 'closing', 'failed'] },
    queued: int,
    sent: int,
    retried: int,
    spooled: int,
    dropped: int,
    lastError: nullableStr,
  },
} as const;

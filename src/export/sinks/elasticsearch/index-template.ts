// The index template the Elasticsearch sink puts on open, for every index `<prefix>-*`. Records are
// matched by field name at any depth, so the same rules map bare records and enveloped ones
// (`record.<field>`): timestamps as date, addresses as ip, integers as long, other strings as keyword.

/** Suricata-style `2023-09-18T06:13:41.532140+0000`, ISO 8601, or UNIX ms (Inspection `timestamp`). */
const DATE_FORMAT = "strict_date_optional_time||yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ||epoch_millis";

/** Field names holding IP addresses in the record schemas (flow, EVE, Inspection, alert, anomaly `device.ip`). */
export const IP_FIELDS = ['src_ip', 'dest_ip', 'device_ip', 'aAddr', 'bAddr', 'address', 'ip'];
export const DATE_FIELDS = ['timestamp', 'time', 'start', 'end'];

export function indexTemplate(prefix: string): {
  name: string;
  index_patterns: string[];
  priority: number;
  template: { mappings: Record<string, unknown> };
  _meta: Record<string, unknown>;
} {
  return {
    name: `${prefix}-records`,
    index_patterns: [`${prefix}-*`],
    priority: 100,
    _meta: { managed_by: 'fleetgate' },
    template: {
      mappings: {
        dynamic_templates: [
          ...DATE_FIELDS.map((f) => ({ [`date_${f}`]: { match: f, mapping: { type: 'date', format: DATE_FORMAT } } })),
          ...IP_FIELDS.map((f) => ({ [`ip_${f}`]: { match: f, match_mapping_type: 'string', mapping: { type: 'ip' } } })),
          { integers: { match_mapping_type: 'long', mapping: { type: 'long' } } },
          { strings: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
        ],
        properties: {
          id: { type: 'keyword' },
          type: { type: 'keyword' },
          gateway: { type: 'keyword' },
          operator: { type: 'keyword' },
          time: { type: 'date', format: DATE_FORMAT },
        },
      },
    },
  };
}

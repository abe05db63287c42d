// The alert record (schemas/alert-record.schema.json): a Suricata EVE `alert` event plus the fleet
// device and gateway. No producer yet (the security function comes later); Outputs validates with it.
import { schemaValidator } from './schema-problems.js';

export interface AlertRecord {
  /** ISO 8601 with microseconds and +0000 (as EVE records). */
  timestamp: string;
  flow_id: number;
  pcap_cnt?: number;
  event_type: 'alert';
  src_ip: string;
  src_port?: number;
  dest_ip: string;
  dest_port?: number;
  proto: string;
  app_proto?: string;
  direction?: 'to_server' | 'to_client';
  alert: {
    action: 'allowed' | 'blocked';
    gid: number;
    signature_id: number;
    rev: number;
    signature: string;
    category: string;
    /** 1 = most severe. */
    severity: number;
    metadata?: Record<string, string[]>;
  };
  fleetgate: { operatorId: string; gatewayId: string; imsi?: string; device_ip?: string; device?: string; app?: string };
}

/** Problems with an alert record, one sentence each; empty when valid. */
export const validateAlertRecord: (obj: unknown) => string[] = schemaValidator('alert-record.schema.json');

// The alert record (schemas/alert-record.schema.json): a Suricata EVE `alert` event plus the fleet
// device and gateway. No producer yet (the security function comes later); Outputs validates with it.
import { schemaValidator } from './schema-problems.js';
import type { EveCommon, EveFleetgate } from '../eve/eve-types.js';

/** EVE's common section (as flow and app-layer records have it) with the alert's own fields. */
export interface AlertRecord extends Omit<EveCommon, 'tx_id' | 'fleetgate'> {
  event_type: 'alert';
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
  fleetgate: Pick<EveFleetgate, 'operatorId' | 'gatewayId' | 'imsi' | 'device_ip' | 'app'> & { device?: string };
}

/** Problems with an alert record, one sentence each; empty when valid. */
export const validateAlertRecord: (obj: unknown) => string[] = schemaValidator('alert-record.schema.json');

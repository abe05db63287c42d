// Simulator options and statistics.

export type ScenarioName = 'scanner' | 'synflood' | 'dns-blocklisted' | 'exfil';
export const SCENARIOS: readonly ScenarioName[] = ['scanner', 'synflood', 'dns-blocklisted', 'exfil'];

export interface SimOptions {
  /** Number of devices (default 50). */
  devices?: number;
  /** Traffic is started during [start, start + duration); sessions then finish cleanly (default 300). */
  durationSec?: number;
  seed?: number;
  /** Start time in µs since the epoch (default 2026-01-01T00:00:00Z). */
  startTimeUs?: number;
  scenarios?: ScenarioName[];
  /** Device subnet (default 10.128.0.0/16). */
  deviceSubnet?: string;
  /** Activity multiplier: 2 = twice as many sessions per device (default 1). */
  rate?: number;
}

export interface ScenarioActor {
  scenario: ScenarioName;
  deviceIdx: number;
  name: string;
  ip: string;
  /** The target (synflood host, exfil host) where there is one. */
  target?: string;
}

export interface SimStats {
  packets: number;
  bytes: number;
  /** Transport sessions started (TCP connections, UDP exchanges, scan probes). */
  flows: number;
  devices: number;
  firstTsUs: number;
  lastTsUs: number;
  actors: ScenarioActor[];
}

export const DEFAULT_START_US = Date.UTC(2026, 0, 1) * 1000;
export const DEFAULT_DURATION_SEC = 300;

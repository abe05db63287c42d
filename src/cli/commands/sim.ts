// fleetgate sim [--devices N] [--duration 10m] [--seed S] [--scenario name]... --out fleet.pcap [--config-out fleet.yaml]
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { simulate, fleetDescription, type SimOptions } from '../../sim/index.js';
import { PcapWriter } from '../../io/pcap-writer.js';
import { parseDurationMs } from '../duration.js';
import { FleetgateError } from '../../core/errors.js';

const SCENARIOS = ['scanner', 'synflood', 'dns-blocklisted', 'exfil'] as const;
type Scenario = (typeof SCENARIOS)[number];

const HELP = `usage: fleetgate sim --out <file.pcap> [options]

Writes a capture of a simulated IoT fleet: DNS, MQTT, HTTP firmware downloads, TLS and NTP with real
handshakes and checksums. Deterministic for a seed.

options:
  --out <file>            the pcap to write (required)
  --devices <n>           number of devices (default 50)
  --duration <dur>        simulated time (default 10m)
  --seed <n>              PRNG seed (default 1)
  --start <iso-time>      time of the first packet (default 2026-01-01T00:00:00Z)
  --scenario <name>       add a misbehaving device (repeatable): ${SCENARIOS.join(', ')}
  --config-out <file>     also write the matching fleet config (YAML) for replay --config`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      out: { type: 'string' },
      devices: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      'config-out': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  void positionals;
  if (!values.out) throw new FleetgateError('FG_ERR_USAGE', `sim needs --out <file.pcap>\n\n${HELP}`);
  const devices = values.devices ? positiveInt(values.devices, '--devices') : 50;
  const durationSec = parseDurationMs(values.duration ?? '10m', '--duration') / 1000;
  const seed = values.seed ? positiveInt(values.seed, '--seed') : 1;
  const startMs = values.start ? Date.parse(values.start) : Date.parse('2026-01-01T00:00:00Z');
  if (!Number.isFinite(startMs)) throw new FleetgateError('FG_ERR_USAGE', `--start: '${values.start}' is not an ISO time`);
  const scenarios = (values.scenario ?? []).map((s) => {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new FleetgateError('FG_ERR_USAGE', `--scenario: unknown '${s}' (one of ${SCENARIOS.join(', ')})`);
    return s as Scenario;
  });
  const opts: SimOptions = { devices, durationSec, seed, startTimeUs: startMs * 1000, scenarios };

  const writer = PcapWriter.open(values.out, { linkType: 1 });
  const stats = simulate(opts, (buf, off, len, tsUs) => writer.write(buf, off, len, tsUs));
  await writer.close();
  if (values['config-out']) writeFileSync(values['config-out'], stringify(fleetDescription(opts)));
  console.error(`wrote ${writer.framesWritten} packets (${writer.bytesWritten} bytes) to ${values.out}; ${JSON.stringify(stats)}`);
  return 0;
}

function positiveInt(s: string, what: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new FleetgateError('FG_ERR_USAGE', `${what}: '${s}' is not a positive integer`);
  return n;
}

// fleetgate captures start|list|download — packet capture sessions, over the REST API.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { CLIENT_OPTIONS, printTable } from '../../api/client.js';
import { FleetgateError } from '../../core/errors.js';
import { startClientCommand } from '../client-command.js';

const HELP = `usage: fleetgate captures start --gateway <id> --duration <s> [--device-ip <ip> | --imsi <imsi>] [--prefix p]
       fleetgate captures list --gateway <id> [--json]
       fleetgate captures download --gateway <id> <session id> [-o file.pcap]
common: --url <api url> --key <api key> (or FLEETGATE_URL / FLEETGATE_KEY)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CLIENT_OPTIONS,
      gateway: { type: 'string', short: 'g' },
      duration: { type: 'string' },
      'device-ip': { type: 'string' },
      imsi: { type: 'string' },
      prefix: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  const [sub, id] = positionals;
  const start = startClientCommand(values, sub, HELP, { needsGateway: true });
  if (typeof start === 'number') return start;
  const { api, gateway } = start;
  const base = `/v1/gateways/${encodeURIComponent(gateway)}/packet_capture_sessions`;
  if (sub === 'start') {
    const s = await api.request<{ sessionId: string; status: string }>('POST', base, {
      duration: Number(values.duration ?? 60),
      ...(values['device-ip'] && { deviceIp: values['device-ip'] }),
      ...(values.imsi && { imsi: values.imsi }),
      ...(values.prefix && { prefix: values.prefix }),
    });
    console.log(`${s.sessionId} ${s.status}`);
    return 0;
  }
  if (sub === 'list') {
    const r = await api.request<{ items: Record<string, unknown>[] }>('GET', base);
    printTable(r.items, ['sessionId', 'status', 'deviceIp', 'duration', 'createdTime', 'endedTime'], values.json);
    return 0;
  }
  if (sub === 'download') {
    if (!id) throw new FleetgateError('FG_ERR_USAGE', 'captures download needs a session id');
    const r = await api.raw('GET', `${base}/${encodeURIComponent(id)}/pcap`);
    if (!r.ok) throw new FleetgateError('FG_ERR_IO', `download failed: ${r.status} ${await r.text()}`);
    const out = values.output ?? `${id}.pcap`;
    writeFileSync(out, Buffer.from(await r.arrayBuffer()));
    console.log(`wrote ${out}`);
    return 0;
  }
  console.error(HELP);
  return 2;
}

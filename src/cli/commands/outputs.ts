// fleetgate outputs get|set|clear|status — a gateway's export outputs, over the REST API.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { CLIENT_OPTIONS, printTable } from '../../api/client.js';
import { FleetgateError } from '../../core/errors.js';
import { startClientCommand } from '../client-command.js';

const HELP = `usage: fleetgate outputs get --gateway <id> [--json]
       fleetgate outputs set --gateway <id> <file>
       fleetgate outputs clear --gateway <id>
       fleetgate outputs status --gateway <id> [--json]
get prints the outputs as YAML (secrets read "***"); set replaces them with a YAML or JSON file holding
{ spool?, sinks: [...] } (or a fleet config: its gateway.outputs is taken). A secret left as "***" keeps
the stored one. The running data path picks the change up; unchanged outputs keep running.
common: --url <api url> --key <api key> (or FLEETGATE_URL / FLEETGATE_KEY)`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The outputs part of a file: { sinks } itself, a config's gateway.outputs, or `outputs:`. */
export function outputsOfFile(text: string, name: string): Obj {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new FleetgateError('FG_ERR_USAGE', `${name}: not YAML or JSON: ${(e as Error).message}`);
  }
  if (isObj(doc) && isObj(doc.gateway) && isObj(doc.gateway.outputs)) return doc.gateway.outputs;
  if (isObj(doc) && isObj(doc.outputs)) return doc.outputs;
  if (isObj(doc) && Array.isArray(doc.sinks)) return doc;
  throw new FleetgateError('FG_ERR_USAGE', `${name}: expected { sinks: [...] }, outputs: { sinks }, or a config with gateway.outputs`);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CLIENT_OPTIONS, gateway: { type: 'string', short: 'g' } } });
  const [sub, file] = positionals;
  const start = startClientCommand(values, sub, HELP, { needsGateway: true });
  if (typeof start === 'number') return start;
  const { api, gateway } = start;
  const base = `/v1/gateways/${encodeURIComponent(gateway)}/outputs`;
  const show = (o: unknown) => console.log(values.json ? JSON.stringify(o, null, 2) : stringify(o).trimEnd());
  switch (sub) {
    case 'get':
      show(await api.request('GET', base));
      return 0;
    case 'set': {
      if (!file) throw new FleetgateError('FG_ERR_USAGE', 'outputs set needs a file (YAML or JSON)');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new FleetgateError('FG_ERR_USAGE', `cannot read ${file}: ${(e as Error).message}`);
      }
      const r = await api.request<{ sinks: Obj[] }>('PUT', base, outputsOfFile(text, file));
      console.log(`gateway ${values.gateway}: ${r.sinks.length} output(s): ${r.sinks.map((s) => `${String(s.name)} (${String(s.kind)})`).join(', ') || 'none'}`);
      return 0;
    }
    case 'clear':
      await api.request('PUT', base, { sinks: [] });
      console.log(`gateway ${values.gateway}: outputs removed`);
      return 0;
    case 'status': {
      const r = await api.request<{ running: boolean; items: Obj[] }>('GET', `${base}/status`);
      if (!r.running && !values.json) {
        console.log(`gateway ${values.gateway} has no running data path`);
        return 0;
      }
      printTable(r.items, ['name', 'kind', 'state', 'queued', 'sent', 'retried', 'spooled', 'dropped', 'lastError'], values.json);
      return 0;
    }
    default:
      console.error(HELP);
      return 2;
  }
}

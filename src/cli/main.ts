#!/usr/bin/env node
// The `fleetgate` command: dispatches to one file per sub-command.
import { FleetgateError } from '../core/errors.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  replay: { summary: 'replay a capture through the gateway pipeline, write Inspection reports', load: () => import('./commands/replay.js') },
  flows: { summary: 'print the flows of a capture, one stable sorted line each', load: () => import('./commands/flows.js') },
  sim: { summary: 'write a simulated fleet capture (pcap)', load: () => import('./commands/sim.js') },
  demo: { summary: 'run the demo gateway fed live by the fleet simulator (what `npm start` runs)', load: () => import('./commands/demo.js') },
  gateway: { summary: 'run the live gateway on the ports of gateway.ports (VXLAN/GENEVE/GTP-U/TUN/pcap)', load: () => import('./commands/gateway.js') },
  serve: { summary: 'run the REST API over the store (with --demo: the simulated fleet too)', load: () => import('./commands/serve.js') },
  gateways: { summary: 'list or create gateways (REST API client)', load: () => import('./commands/gateways.js') },
  devices: { summary: 'list devices or import them from CSV (REST API client)', load: () => import('./commands/devices.js') },
  peers: { summary: 'list, add or remove mirroring peers (REST API client)', load: () => import('./commands/peers.js') },
  outputs: { summary: "get, set or clear a gateway's export outputs; their delivery status (REST API client)", load: () => import('./commands/outputs.js') },
  captures: { summary: 'start, list or download packet captures (REST API client)', load: () => import('./commands/captures.js') },
  keys: { summary: 'create, list or revoke API keys (REST API client)', load: () => import('./commands/keys.js') },
};

function usage(): string {
  const lines = ['usage: fleetgate <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push('', "run 'fleetgate <command> --help' for a command's options");
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`fleetgate: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await cmd.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof FleetgateError) {
      console.error(`fleetgate: ${err.message}`);
      process.exitCode = err.code === 'FG_ERR_USAGE' ? 2 : 1;
    } else if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`fleetgate: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  },
);

// fleetgate replay <capture> [--config f] [--device-subnet cidr]... [--interval 60s] [--out reports.jsonl] [--flows-out flows.jsonl]
import { parseArgs } from 'node:util';
import { Pipeline } from '../../pipeline/worker.js';
import { replayFile } from '../../pipeline/replay.js';
import { JsonlWriter } from '../../export/jsonl-writer.js';
import { parseDurationMs } from '../duration.js';
import { fleetSetup, checkIntervalSec, pipelineFleetOptions } from '../fleet-setup.js';
import { pipelineRecordHandlers } from '../record-handlers.js';
import { FleetgateError } from '../../core/errors.js';
import { shardedReplay } from '../../pipeline/sharded/sharded-replay.js';
import type { ShardSetup } from '../../pipeline/sharded/messages.js';
import { eveRecordId } from '../../pipeline/sharded/flow-eve.js';
import { Outputs } from '../../export/outputs.js';
import type { OutputsConfig } from '../../control/config/types.js';
import type { PipelineStats } from '../../pipeline/worker.js';
import { outputsFromFlags } from '../../export/outputs-from-flags.js';

const HELP = `usage: fleetgate replay <capture> [options]

Replays a pcap or pcapng capture (format detected from its content) through the gateway pipeline and
writes one Inspection report per device per interval as JSON lines. Time comes from the capture, so the
output is deterministic.

options:
  --config <file>         fleet config (YAML): operator, gateway, device subnets, devices
  --device-subnet <cidr>  where the devices are, without a config (repeatable)
  --interval <dur>        reporting interval, 10s..1h (default 60s, or the config's)
  --out <file>            reports as JSON lines (default: standard output)
  --flows-out <file>      finished flows as JSON lines
  --records <file>        metadata records shaped like Suricata EVE (flow, dns, http, tls, quic, mqtt)
  --ipfix <host:port>     export finished flows as IPFIX over UDP (e.g. to nfcapd on port 9995)
  --output <kind:target>  another output (repeatable): jsonl:<file>, webhook:<url>, ipfix:<host:port>,
                          prometheus:<metrics text file>; added to the config's gateway.outputs
  --spool <dir>           durable spool for the outputs: records wait there until their destination
                          acknowledges them, across restarts
  --no-dpi                flows and Inspection only: applications named by port, no DPI
  --workers <n>           replay as n shards by device on worker threads (default 1; with n cores or
                          fewer, this thread is one of them); the same records as one thread (flows
                          and EVE records arrive in another order)
  --quiet                 no summary on standard error`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'device-subnet': { type: 'string', multiple: true },
      interval: { type: 'string' },
      out: { type: 'string' },
      'flows-out': { type: 'string' },
      records: { type: 'string' },
      ipfix: { type: 'string' },
      output: { type: 'string', multiple: true },
      spool: { type: 'string' },
      'no-dpi': { type: 'boolean' },
      workers: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new FleetgateError('FG_ERR_USAGE', `replay takes one capture file\n\n${HELP}`);
  const intervalSec = values.interval ? checkIntervalSec(parseDurationMs(values.interval, '--interval') / 1000) : undefined;
  const setup = fleetSetup({ config: values.config, deviceSubnets: values['device-subnet'], intervalSec });

  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new FleetgateError('FG_ERR_USAGE', `--workers: '${values.workers}' is not a number of workers (1..64)`);
  const outputsCfg = outputsFromFlags(setup.config?.gateway.outputs, { ipfix: values.ipfix, output: values.output, spool: values.spool });
  if (workers > 1) {
    const files = { out: values.out, flowsOut: values['flows-out'], records: values.records };
    return runSharded(positionals[0], workers, { config: values.config, deviceSubnets: values['device-subnet'], intervalSec, dpi: !values['no-dpi'] }, files, outputsCfg, setup, !!values.quiet);
  }

  const out = values.out ? new JsonlWriter(values.out) : null;
  const flowsOut = values['flows-out'] ? new JsonlWriter(values['flows-out']) : null;
  const records = values.records ? new JsonlWriter(values.records) : null;
  const outputs = outputsCfg ? new Outputs(outputsCfg, { gatewayId: setup.gatewayId, operatorId: setup.operatorId }) : null;
  await outputs?.open();
  const toOutputs = outputs && outputs.size > 0 ? outputs : null;
  const started = process.hrtime.bigint();
  const pipeline = new Pipeline({
    ...pipelineFleetOptions(setup),
    dpi: !values['no-dpi'],
    ...pipelineRecordHandlers({ out, flowsOut, records, outputs: toOutputs, gatewayId: setup.gatewayId, operatorId: setup.operatorId }),
  });
  toOutputs?.setGatewayStats(() => ({ frames: pipeline.stats.frames, ipPackets: pipeline.stats.ipPackets, ipBytes: pipeline.stats.ipBytes }));
  let result;
  try {
    // a replay can wait for its outputs: nothing is dropped because the file reads faster than they take it
    result = await replayFile(positionals[0], pipeline, { pause: toOutputs ? () => toOutputs.pause() : undefined });
  } finally {
    out?.close();
    flowsOut?.close();
    records?.close();
    // what a destination has not acknowledged within the drain time stays spooled for the next run
    await outputs?.close(Number(process.env.FLEETGATE_OUTPUT_DRAIN_MS ?? 30_000));
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const s = pipeline.stats;
  if (!values.quiet) {
    console.error(
      `replayed ${s.frames} frames (${s.ipPackets} IP packets, ${s.ipBytes} IP bytes) in ${secs.toFixed(2)} s ` +
        `(${Math.round(s.frames / Math.max(secs, 1e-9))} packets/s); flows ${pipeline.flows.stats.created}, ` +
        `reports ${pipeline.inspection.reportsEmitted}, evicted ${pipeline.flows.stats.evicted}`,
    );
  }
  if (toOutputs && !values.quiet) printOutputCounters(toOutputs);
  if (process.env.FLEETGATE_PRINT_STATS) {
    console.error(`FLEETGATE_STATS ${JSON.stringify({ ...s, seconds: secs, maxRssKb: process.resourceUsage().maxRSS })}`);
  }
  if (result.captureError) {
    console.error(`fleetgate: ${result.captureError.message} (everything before it was processed and reported)`);
    return 1;
  }
  return 0;
}

function printOutputCounters(outputs: Outputs): void {
  for (const line of outputs.counterLines()) console.error(line);
}

/**
 * Sharded replay: the workers send reports, finished flows and EVE records back; this thread writes
 * the files and owns the outputs (one Batcher per output, as with one thread), so every record is
 * sent once. Reports are written to --out sorted (deterministic); flows and EVE records, and
 * everything sent to outputs, go in arrival order.
 */
async function runSharded(
  path: string,
  workers: number,
  shardSetup: ShardSetup,
  files: { out?: string; flowsOut?: string; records?: string },
  outputsCfg: OutputsConfig | undefined,
  setup: { gatewayId: string; operatorId: string },
  quiet: boolean,
): Promise<number> {
  // validate the config in this thread first, so a bad config is one clear error, not one per worker
  fleetSetup(shardSetup);
  const started = process.hrtime.bigint();
  const outputs = outputsCfg ? new Outputs(outputsCfg, { gatewayId: setup.gatewayId, operatorId: setup.operatorId }) : null;
  await outputs?.open();
  const toOutputs = outputs && outputs.size > 0 ? outputs : null;
  const flowsOut = files.flowsOut ? new JsonlWriter(files.flowsOut) : null;
  const records = files.records ? new JsonlWriter(files.records) : null;
  let totals: PipelineStats | null = null;
  toOutputs?.setGatewayStats(() => ({ frames: totals?.frames ?? 0, ipPackets: totals?.ipPackets ?? 0, ipBytes: totals?.ipBytes ?? 0 }));
  const wantFlows = !!flowsOut || !!toOutputs?.wants('flow');
  const wantEve = !!records || !!toOutputs?.wants('eve');
  let eveSeq = 0;
  let res;
  const out = files.out ? new JsonlWriter(files.out) : null;
  try {
    res = await shardedReplay(path, workers, { ...shardSetup, flows: wantFlows, eve: wantEve }, {
      pause: toOutputs ? () => toOutputs.pause() : undefined,
      onOrderedReport: (r) => {
        if (out) out.write(r);
        else process.stdout.write(JSON.stringify(r) + '\n');
      },
      onReport: toOutputs ? (r) => toOutputs.emit('inspection', r.recordId, r, r.timestamp) : undefined,
      onFlow: wantFlows
        ? (f) => {
            flowsOut?.write(f);
            toOutputs?.emitFlow(f);
          }
        : undefined,
      onEve: wantEve
        ? (r) => {
            records?.write(r);
            toOutputs?.emit('eve', eveRecordId(setup.gatewayId, r.flow_id, r.event_type, eveSeq++), r);
          }
        : undefined,
    });
    totals = res.stats;
  } finally {
    out?.close();
    flowsOut?.close();
    records?.close();
    await outputs?.close(Number(process.env.FLEETGATE_OUTPUT_DRAIN_MS ?? 30_000));
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const s = res.stats;
  if (!quiet) {
    console.error(
      `replayed ${s.frames} frames (${s.ipPackets} IP packets, ${s.ipBytes} IP bytes) in ${secs.toFixed(2)} s ` +
        `(${Math.round(s.frames / Math.max(secs, 1e-9))} packets/s) on ${workers} workers; flows ${res.flows.created}, ` +
        `reports ${res.reportCount}, evicted ${res.flows.evicted}`,
    );
    if (toOutputs) printOutputCounters(toOutputs);
  }
  if (process.env.FLEETGATE_PRINT_STATS) {
    console.error(`FLEETGATE_STATS ${JSON.stringify({ ...s, seconds: secs, maxRssKb: process.resourceUsage().maxRSS })}`);
  }
  if (res.captureError) {
    console.error(`fleetgate: ${res.captureError.message} (everything before it was processed and reported)`);
    return 1;
  }
  return 0;
}

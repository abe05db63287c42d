// `npm run bench:outputs`: pushes N flow records of a replayed simulator capture through the real
// Batcher + Sink of every output kind that can run here (servers started locally; Kafka and
// Elasticsearch against the test stand-ins), prints records/s per sink, then one spool-recovery figure
// per restartable destination: destination down, records spooled to disk (durable spool), destination
// back: time until all are delivered. FG_BENCH_RECORDS sets N (default 50000). Bounded to ~1-2 minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batcher } from '../../src/export/batcher/index.js';
import { createSink } from '../../src/export/sinks/index.js';
import type { SinkRecord } from '../../src/export/sinks/sink.js';
import { benchRecords } from './bench-records.js';
import { DESTINATIONS } from './destinations.js';
import type { Destination } from './destinations.js';

const N = Number(process.env.FG_BENCH_RECORDS ?? 50_000);
const DRAIN_MS = 60_000;
const OUTAGE_MS = 3_000;

interface Row {
  output: string;
  result: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function throughput(d: Destination, records: readonly SinkRecord[]): Promise<string> {
  const running = await d.start();
  if (typeof running === 'string') return `skipped: ${running}`;
  try {
    const sink = createSink(d.kind, running.options, { name: d.kind, gatewayId: 'gw-bench' });
    // Memory bound raised so all N records queue at once (the default 16 MiB would drop the rest: no spool).
    const b = new Batcher(sink, { label: d.kind, batchSize: 500, maxMemoryBytes: 256 << 20 });
    await b.open();
    const t0 = performance.now();
    for (const r of records) b.push(r);
    const drained = await b.drain(DRAIN_MS);
    const s = (performance.now() - t0) / 1000;
    await b.close(1000);
    if (!drained || b.counters.sent !== records.length) return `FAILED: ${b.counters.sent}/${records.length} sent (${b.lastError ?? 'timeout'})`;
    return `${Math.round(records.length / s).toLocaleString('en-US').padStart(9)} records/s  (${s.toFixed(2)} s, ${b.counters.retried} retries)`;
  } finally {
    await running.stop();
  }
}

/** Destination down, N records through a durable spool, destination back: ms until all are acknowledged. */
async function spoolRecovery(d: Destination, records: readonly SinkRecord[]): Promise<string> {
  const running = await d.start();
  if (typeof running === 'string') return `skipped: ${running}`;
  if (!running.down || !running.up) return 'skipped: destination cannot be restarted';
  const spool = mkdtempSync(join(tmpdir(), 'fg-bench-spool-'));
  try {
    const sink = createSink(d.kind, running.options, { name: d.kind, gatewayId: 'gw-bench' });
    // Default backoff (200 ms doubling to 30 s): the figure includes waiting for the next retry.
    const b = new Batcher(sink, { label: d.kind, batchSize: 500, spoolDir: spool, durable: true });
    await b.open();
    await running.down();
    const tDown = performance.now();
    for (const r of records) b.push(r);
    await sleep(Math.max(0, OUTAGE_MS - (performance.now() - tDown)));
    const sentBefore = b.counters.sent;
    await running.up();
    const t0 = performance.now();
    const drained = await b.drain(DRAIN_MS);
    const ms = performance.now() - t0;
    await b.close(1000);
    if (!drained || b.counters.sent !== records.length) return `FAILED: ${b.counters.sent}/${records.length} sent (${b.lastError ?? 'timeout'})`;
    return `${records.length - sentBefore} records spooled (${b.counters.spooled} written to disk) during a ${OUTAGE_MS / 1000} s outage, all delivered ${(ms / 1000).toFixed(2)} s after it came back (${b.counters.retried} failed attempts)`;
  } finally {
    await running.stop();
    rmSync(spool, { recursive: true, force: true });
  }
}

function table(title: string, rows: Row[]): void {
  const w = Math.max(...rows.map((r) => r.output.length));
  console.log(`\n${title}`);
  console.log(`${'output'.padEnd(w)} | result`);
  console.log(`${'-'.repeat(w)}-|-${'-'.repeat(40)}`);
  for (const r of rows) console.log(`${r.output.padEnd(w)} | ${r.result}`);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { records, flows, meanBytes } = await benchRecords(N);
  console.log(`outputs bench: ${N} flow records (${flows} distinct flows of a simulator capture, enveloped, ~${meanBytes} B each), batches of 500`);
  const rows: Row[] = [];
  for (const d of DESTINATIONS) {
    let result: string;
    try {
      result = await throughput(d, records);
    } catch (e) {
      result = `FAILED: ${(e as Error).message.split('\n')[0]}`;
    }
    rows.push({ output: d.label, result });
    console.error(`  ${d.label}: done`);
  }
  table('Throughput (push N records, wait until all acknowledged)', rows);
  const recovery: Row[] = [];
  for (const kind of ['webhook', 'kafka']) {
    const d = DESTINATIONS.find((x) => x.kind === kind);
    if (d) recovery.push({ output: d.label, result: await spoolRecovery(d, records.slice(0, Math.min(N, 20_000))) });
  }
  table('Spool recovery (durable spool)', recovery);
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

// The header path alone, for `npm run bench`'s breakdown: read, parse, decode and the flow table (with
// expiry), and nothing else - no device attribution, application naming or Inspection reports. It is
// not a product mode: it shows how much of `fleetgate replay --no-dpi` is the packet core and how much
// the work around it (the prototype measured this part alone).
// usage: node dist/bench/header-path-only.js <capture>
import { openCapture } from '../src/io/capture-reader.js';
import { decodeFrame } from '../src/packet/decode.js';
import { PacketView } from '../src/core/packet-view.js';
import { FlowTable } from '../src/flow/flow-table.js';

const path = process.argv[2];
if (!path) throw new Error('usage: header-path-only.js <capture>');
const reader = await openCapture(path);
const p = new PacketView();
const flows = new FlowTable({ capacity: 1_000_000 });
let frames = 0;
const noop = (): void => {};
for await (const b of reader) {
  for (let i = 0; i < b.count; i++) {
    decodeFrame(p, b.buf, b.off[i], b.capLen[i], b.wireLen[i], b.tsUs[i], b.linkType[i]);
    flows.track(p);
  }
  frames += b.count;
  flows.expire(p.tsUs, noop);
}
flows.flush(noop);
console.log(`header path: ${frames} frames, ${flows.stats.created} flows`);

// The floor row of `npm run bench` (bench/minimal-count.ts): reads a capture and counts its IPv4 flows.
// usage: node dist/bench/minimal-loop.js <capture.pcap>   (classic pcap, little-endian µs, Ethernet)
import { countMinimal } from './minimal-count.js';

const path = process.argv[2];
if (!path) throw new Error('usage: minimal-loop.js <capture.pcap>');
const { frames, flows } = await countMinimal(path);
console.log(`minimal loop: ${frames} frames, ${flows} flows`);

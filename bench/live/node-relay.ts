// The plain Node baseline: a `dgram` relay, one datagram per 'message' event, each sent unchanged to a
// fixed port on 127.0.0.1. What a Node gateway without batched I/O can do.
// usage: node dist/bench/live/node-relay.js <listen-port> <dst-port>
// Prints "ready" on stderr once bound; on SIGTERM prints {"received":n,"sent":n,"errors":n} on stdout.
import { createSocket } from 'node:dgram';

const listenPort = Number(process.argv[2]);
const dstPort = Number(process.argv[3]);
const rx = createSocket({ type: 'udp4', recvBufferSize: 16 << 20 });
const tx = createSocket({ type: 'udp4', sendBufferSize: 16 << 20 });
let received = 0;
let sent = 0;
let errors = 0;
const onSent = (err: Error | null): void => {
  if (err) errors++;
  else sent++;
};
rx.on('message', (m) => {
  received++;
  tx.send(m, dstPort, '127.0.0.1', onSent);
});
rx.on('error', () => errors++);
tx.on('error', () => errors++);
tx.bind(0, '127.0.0.1', () => rx.bind(listenPort, '127.0.0.1', () => console.error('ready')));
process.once('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ received, sent, errors }) + '\n', () => process.exit(0));
});

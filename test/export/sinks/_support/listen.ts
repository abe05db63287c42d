// Starts a stand-in's server on 127.0.0.1 (port 0 = any free one) and returns the port it got.
import type { Server } from 'node:net';

export async function listenLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  return a && typeof a === 'object' ? a.port : port;
}

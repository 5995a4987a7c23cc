// A webhook receiver on loopback that reads each request to its end and answers 200.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  requests: number;
  bytes: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', requests: 0, bytes: 0, close: async () => {} };
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => { receiver.bytes += chunk.length; });
    req.on('end', () => {
      receiver.requests++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return receiver;
}

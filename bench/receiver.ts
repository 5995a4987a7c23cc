// A webhook receiver on loopback that reads each request to its end and answers 200.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  requests: number;
  bytes: number;
  /** Called with each request's whole body before it is answered. */
  onRequest?: (body: Buffer, headers: IncomingHttpHeaders) => void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', requests: 0, bytes: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      receiver.bytes += chunk.length;
      if (receiver.onRequest) parts.push(chunk);
    });
    req.on('end', () => {
      receiver.requests++;
      receiver.onRequest?.(Buffer.concat(parts), req.headers);
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

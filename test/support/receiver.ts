// A real HTTP receiver on loopback that records every webhook and answers as each test tells it to.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  n: number;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

export type Answer =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { reset: true };

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the answer to the n-th request (1-based); 200 when unset. */
  answer: (req: Received) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(answer: Receiver['answer'] = () => ({ status: 200 })): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const receiver: Receiver = { url: '', received: [], answer, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown;
      try { body = JSON.parse(raw); } catch { body = undefined; }
      const got: Received = { n: receiver.received.length + 1, headers: req.headers, raw, body };
      receiver.received.push(got);
      const a = receiver.answer(got);
      if ('hang' in a) return;
      if ('reset' in a) { req.socket.resetAndDestroy(); return; }
      const send = () => { res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers }); res.end(a.body ?? 'ok'); };
      if (a.delayMs) setTimeout(send, a.delayMs); else send();
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

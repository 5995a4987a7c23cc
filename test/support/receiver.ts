// A real HTTP receiver on loopback that records every webhook and answers as each test tells it to.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  n: number;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  /** performance.now() when the request arrived, and when its answer was sent (undefined until then). */
  at: number;
  answeredAt?: number;
}

export type Answer =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  /** Held until the promise gives the answer: a test lets a request go when it has done what it wanted meanwhile. */
  | { held: Promise<Answer> }
  | { reset: true };

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the answer to the n-th request (1-based); 200 when unset. */
  answer: (req: Received) => Answer;
  /** Requests arrived and not answered yet, and the most there were at once. */
  open: number;
  maxOpen: number;
  close(): Promise<void>;
}

export async function startReceiver(answer: Receiver['answer'] = () => ({ status: 200 })): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const receiver: Receiver = { url: '', received: [], answer, open: 0, maxOpen: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const at = performance.now();
    receiver.open++;
    receiver.maxOpen = Math.max(receiver.maxOpen, receiver.open);
    let answered = false;
    const done = () => {
      if (answered) return;
      answered = true;
      receiver.open--;
    };
    res.on('close', done);
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown;
      try { body = JSON.parse(raw); } catch { body = undefined; }
      const got: Received = { n: receiver.received.length + 1, headers: req.headers, raw, body, at };
      res.on('finish', () => { got.answeredAt = performance.now(); done(); });
      receiver.received.push(got);
      const respond = (a: Answer): void => {
        if ('held' in a) { void a.held.then(respond); return; }
        if ('hang' in a) return;
        if ('reset' in a) { req.socket.resetAndDestroy(); return; }
        const send = () => { res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers }); res.end(a.body ?? 'ok'); };
        if (a.delayMs) setTimeout(send, a.delayMs); else send();
      };
      respond(receiver.answer(got));
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

// The thread side of the block reader: reads, maps, validates and serializes the blocks of one file at a time,
// a few ahead of the store.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { ToReader, FromReader } from './block-reader.ts';
import { readRecordBlocks, type BlockSource } from './record-blocks.ts';

const port = parentPort!;
let credits = 0;
let granted: (() => void) | undefined;
/**
 * Buffers of blocks the store has written, given back to encode the next blocks into while a file is read; let go
 * when it ends, so an idle thread holds none.
 */
const spares: ArrayBuffer[] = [];
let reading = false;

/** More than can be on their way at once. */
const SPARES_KEPT = 8;

const post = (message: FromReader) => port.postMessage(message);

async function read(id: number, source: BlockSource): Promise<void> {
  reading = true;
  try {
    for await (const piece of readRecordBlocks(source, spares)) {
      while (credits === 0) await new Promise<void>((resolve) => { granted = resolve; });
      credits--;
      // A block's text is handed over, not copied.
      port.postMessage({ id, ...piece } satisfies FromReader, piece.kind === 'records' ? [piece.block.text.buffer] : []);
    }
    post({ id, kind: 'done' });
  } catch (error) {
    post(error instanceof AppError
      ? { id, kind: 'error', httpStatus: error.httpStatus, code: error.code, message: error.message }
      : { id, kind: 'error', message: (error as Error)?.stack ?? String(error) });
  } finally {
    reading = false;
    spares.length = 0;
  }
}

port.on('message', (message: ToReader) => {
  if (message.kind === 'credit') {
    credits += message.n;
    if (message.spare && reading && spares.length < SPARES_KEPT) spares.push(message.spare);
    granted?.();
    return;
  }
  credits = message.credits;
  void read(message.id, message.source);
});

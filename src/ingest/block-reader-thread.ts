// The thread side of the block reader: reads, maps, validates and serializes the blocks of one file at a time,
// a few ahead of the store.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { ToReader, FromReader } from './block-reader.ts';
import { readRecordBlocks, type BlockSource } from './record-blocks.ts';

const port = parentPort!;
let credits = 0;
let granted: (() => void) | undefined;

const post = (message: FromReader) => port.postMessage(message);

async function read(id: number, source: BlockSource): Promise<void> {
  try {
    for await (const block of readRecordBlocks(source)) {
      while (credits === 0) await new Promise<void>((resolve) => { granted = resolve; });
      credits--;
      // The block's text is handed over, not copied.
      port.postMessage({ id, kind: 'block', block } satisfies FromReader, [block.text.buffer]);
    }
    post({ id, kind: 'done' });
  } catch (error) {
    post(error instanceof AppError
      ? { id, kind: 'error', httpStatus: error.httpStatus, code: error.code, message: error.message }
      : { id, kind: 'error', message: (error as Error)?.stack ?? String(error) });
  }
}

port.on('message', (message: ToReader) => {
  if (message.kind === 'credit') {
    credits += message.n;
    granted?.();
    return;
  }
  credits = message.credits;
  void read(message.id, message.source);
});

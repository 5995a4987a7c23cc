// Reads record blocks on a thread of its own, so parsing and validation use the second core while the main thread
// writes blocks to the store. A reader's thread serves every file it is given in turn; it starts with the first file
// and stays until the reader is closed. The ingest runner has one reader for each upload it reads at once.
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { IngestPiece } from '../store/record-block.ts';
import type { BlockSource } from './record-blocks.ts';

export type ToReader =
  | { kind: 'read'; id: number; source: BlockSource; credits: number }
  | { kind: 'credit'; n: number; spare?: ArrayBuffer };

export type FromReader = { id: number } & (
  | IngestPiece
  | { kind: 'done' }
  | { kind: 'error'; httpStatus?: number; code?: string; message: string });

/**
 * The thread's entry: the built module next to this one, or, when this runs from source (tests, development), a small
 * module that loads the TypeScript through tsx, whatever started the process.
 */
const THREAD_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './block-reader-thread.mjs' : './block-reader-thread.js', import.meta.url);

/**
 * The thread's young generation, where a row's strings and objects live and die: V8 would grow it to its largest and
 * keep it for as long as the thread lives. A row's garbage dies before the next few rows are read (rows are parsed a
 * slice of text at a time, and a record's JSON is bytes in its block as soon as it is made), so collecting a small one
 * often copies little; much smaller, and the collections themselves cost more than they save (docs/engine.md). Node's
 * `--max-semi-space-size`, which the start script gives (8 MB for every thread), takes this bound's place.
 */
const THREAD_YOUNG_GENERATION_MB = 4;

/** Blocks the thread may have ready before the store takes them: enough to keep both busy, little memory. */
const AHEAD = 4;

export interface BlockReader {
  /**
   * The blocks of `source`, in order, then the rows that repeat a unique value; one file at a time. Stopping early
   * (break, throw) ends the thread, and the next read starts a new one. A file the thread cannot read rejects with
   * the AppError a read here would. A block's text is the caller's until it asks for the next piece: then its buffer
   * goes back to the thread, to be filled again.
   */
  read(source: BlockSource): AsyncGenerator<IngestPiece>;
  close(): Promise<void>;
}

/** `onThread` hears of each thread the reader starts (true) and of its end (false). */
export function createBlockReader(onThread?: (alive: boolean) => void): BlockReader {
  let worker: Worker | undefined;
  let nextId = 0;
  let deliver: ((message: FromReader) => void) | undefined;

  function start(): Worker {
    const started = new Worker(THREAD_ENTRY, { resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
    onThread?.(true);
    started.on('message', (message: FromReader) => deliver?.(message));
    // Only the thread of this reader's read can fail it: one stopped on purpose may end while the next thread reads.
    started.on('error', (error) => { if (worker === started) deliver?.({ id: -1, kind: 'error', message: error.stack ?? error.message }); });
    started.on('exit', (code) => {
      onThread?.(false);
      if (worker !== started) return;
      worker = undefined;
      deliver?.({ id: -1, kind: 'error', message: `the reading thread stopped (exit code ${code})` });
    });
    // An idle thread does not keep the process alive.
    started.unref();
    return started;
  }

  async function stop(): Promise<void> {
    const stopping = worker;
    worker = undefined;
    await stopping?.terminate();
  }

  return {
    async *read(source) {
      if (deliver) throw new Error('the block reader reads one file at a time');
      const thread = (worker ??= start());
      // Kept alive while it reads for someone.
      thread.ref();
      const id = ++nextId;
      const queue: FromReader[] = [];
      let wake: (() => void) | undefined;
      deliver = (message) => {
        // A message of an earlier read that was stopped early is not for this one.
        if (message.id !== id && message.id !== -1) return;
        queue.push(message);
        wake?.();
      };
      let finished = false;
      try {
        thread.postMessage({ kind: 'read', id, source, credits: AHEAD } satisfies ToReader);
        for (;;) {
          while (queue.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
          // Each piece in a turn of the event loop of its own. Node delivers a port's messages in one go while more
          // keep coming, and a piece's write may finish without waiting for I/O: without this turn, a thread that
          // keeps up with the store could keep the loop from network I/O, and the service from answering, for as
          // long as the file takes.
          await new Promise<void>((resolve) => setImmediate(resolve));
          const message = queue.shift()!;
          if (message.kind === 'done') {
            finished = true;
            return;
          }
          if (message.kind === 'error') {
            finished = message.id === id;
            if (message.code) throw new AppError(message.httpStatus ?? 400, message.code, message.message);
            throw new Error(message.message);
          }
          if (message.kind === 'records') {
            yield { kind: 'records', block: message.block };
            const spare = message.block.text.buffer;
            thread.postMessage({ kind: 'credit', n: 1, spare } satisfies ToReader, [spare]);
          } else {
            yield { kind: 'duplicates', rows: message.rows };
            thread.postMessage({ kind: 'credit', n: 1 } satisfies ToReader);
          }
        }
      } finally {
        deliver = undefined;
        thread.unref();
        // The thread may still be reading a file nobody waits for: a new thread is cheaper than telling it.
        if (!finished) await stop();
      }
    },
    close: stop,
  };
}

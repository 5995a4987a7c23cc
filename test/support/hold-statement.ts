// Holds the service's store at one of its hot statements, so a test can look at the service while a step is under
// way, whatever the machine's speed: the nth run of the named statement waits until the test releases it.
import type { Prepared, PreparedValue, Store } from '../../src/store/db.ts';
import type { RawRow, WireValue } from '../../src/store/wire-messages.ts';

export interface HeldStatement {
  /** Resolves once the nth run of the statement has been reached (it has not run yet). */
  reached: Promise<void>;
  release(): void;
  /** Puts the store's own method back. */
  restore(): void;
}

export function holdStatement(store: Store, name: string, nth = 1): HeldStatement {
  const own = { run: store.run, write: store.write, readRaw: store.readRaw };
  let runs = 0;
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => { reach = resolve; });
  const released = new Promise<void>((resolve) => { release = resolve; });
  const hold = async (statement: Prepared) => {
    if (statement.name === name && ++runs === nth) {
      reach();
      await released;
    }
  };
  store.run = async <T>(statement: Prepared, values: PreparedValue[]) => { await hold(statement); return own.run.call(store, statement, values) as Promise<T[]>; };
  store.write = async (statement, values) => { await hold(statement); return own.write.call(store, statement, values); };
  store.readRaw = async <T>(statement: Prepared, values: WireValue[], take: (rows: RawRow[]) => T) => {
    await hold(statement);
    return own.readRaw.call(store, statement, values, take) as Promise<T>;
  };
  return { reached, release, restore: () => Object.assign(store, own) };
}

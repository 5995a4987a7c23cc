// Messages of PostgreSQL's extended query protocol for the embedded database: a prepared statement bound to values
// and run in one exchange, with text that arrives already encoded (a block's records) passed through as its bytes.

/** A value in text format: encoded text as it is, anything else as the text Postgres reads for it. */
export type WireValue = string | number | boolean | Date | null | Uint8Array;

const utf8 = new TextEncoder();

function valueBytes(value: Exclude<WireValue, null>): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof Date) return utf8.encode(value.toISOString());
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return utf8.encode(typeof value === 'boolean' ? (value ? 't' : 'f') : String(value));
}

/** Bind (unnamed portal, statement `name`, every value and result in text format), Execute, Sync. */
export function bindExecuteSync(name: string, values: readonly WireValue[]): Uint8Array {
  const nameBytes = utf8.encode(name);
  const encoded = values.map((v) => (v === null ? null : valueBytes(v)));
  const bindLength = 4 + 1 + nameBytes.length + 1 + 2 + 2 + encoded.reduce((n, v) => n + 4 + (v?.length ?? 0), 0) + 2;
  const out = new Uint8Array(1 + bindLength + 1 + 9 + 1 + 4);
  const view = new DataView(out.buffer);
  let at = 0;
  out[at++] = 0x42; // 'B'
  view.setInt32(at, bindLength); at += 4;
  out[at++] = 0; // unnamed portal
  out.set(nameBytes, at); at += nameBytes.length;
  out[at++] = 0;
  view.setInt16(at, 0); at += 2; // no parameter format codes: all text
  view.setInt16(at, encoded.length); at += 2;
  for (const v of encoded) {
    view.setInt32(at, v === null ? -1 : v.length); at += 4;
    if (v !== null) { out.set(v, at); at += v.length; }
  }
  view.setInt16(at, 0); at += 2; // no result format codes: all text
  out[at++] = 0x45; // 'E'
  view.setInt32(at, 9); at += 4;
  out[at++] = 0; // unnamed portal
  view.setInt32(at, 0); at += 4; // every row
  out[at++] = 0x53; // 'S'
  view.setInt32(at, 4); at += 4;
  return out;
}

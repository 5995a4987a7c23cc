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

/**
 * Bind (unnamed portal, statement `name`, every value and result in text format), then Describe of the portal when
 * the rows' column names and types are wanted, Execute, Sync. Written into the start of what `room` gives for its
 * length (a new buffer by default).
 */
export function bindExecuteSync(
  name: string, values: readonly WireValue[], describe = false, room: (length: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  const nameBytes = utf8.encode(name);
  const encoded = values.map((v) => (v === null ? null : valueBytes(v)));
  const bindLength = 4 + 1 + nameBytes.length + 1 + 2 + 2 + encoded.reduce((n, v) => n + 4 + (v?.length ?? 0), 0) + 2;
  const length = 1 + bindLength + (describe ? 1 + 6 : 0) + 1 + 9 + 1 + 4;
  const out = room(length).subarray(0, length);
  const view = new DataView(out.buffer, out.byteOffset, length);
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
  if (describe) {
    out[at++] = 0x44; // 'D'
    view.setInt32(at, 6); at += 4;
    out[at++] = 0x50; // 'P': the portal
    out[at++] = 0; // unnamed
  }
  out[at++] = 0x45; // 'E'
  view.setInt32(at, 9); at += 4;
  out[at++] = 0; // unnamed portal
  view.setInt32(at, 0); at += 4; // every row
  out[at++] = 0x53; // 'S'
  view.setInt32(at, 4); at += 4;
  return out;
}

/** A row as the database sent it: each field's text-format bytes, not decoded; null for SQL NULL. */
export type RawRow = (Uint8Array | null)[];

const utf8Decoder = new TextDecoder();

/** A result column as a RowDescription gives it. */
export interface ResultColumn { name: string; typeOid: number }

/**
 * The data rows of a backend response (one exchange of bindExecuteSync), each field a view into `response`, and
 * the columns when it was described. An ErrorResponse throws with the server's message.
 */
export function dataRows(response: Uint8Array): RawRow[] {
  return resultOf(response).rows;
}

export function resultOf(response: Uint8Array): { columns: ResultColumn[]; rows: RawRow[] } {
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength);
  const rows: RawRow[] = [];
  const columns: ResultColumn[] = [];
  for (let at = 0; at + 5 <= response.length;) {
    const type = response[at];
    const end = at + 1 + view.getInt32(at + 1);
    if (type === 0x54) { // 'T': name, table oid, column number, type oid, type size, type modifier, format
      let p = at + 7;
      for (let i = view.getInt16(at + 5); i > 0; i--) {
        const stop = response.indexOf(0, p);
        columns.push({ name: utf8Decoder.decode(response.subarray(p, stop)), typeOid: view.getInt32(stop + 7) });
        p = stop + 19;
      }
    } else if (type === 0x44) { // 'D'
      let p = at + 5;
      const count = view.getInt16(p); p += 2;
      const row: RawRow = new Array(count);
      for (let i = 0; i < count; i++) {
        const length = view.getInt32(p); p += 4;
        row[i] = length < 0 ? null : response.subarray(p, p + length);
        if (length > 0) p += length;
      }
      rows.push(row);
    } else if (type === 0x45) { // 'E': fields of a type byte and a C string, the message under 'M', SQLSTATE under 'C'
      let message = 'the database answered with an error';
      let code: string | undefined;
      for (let p = at + 5; p < end && response[p] !== 0;) {
        const field = response[p];
        const stop = response.indexOf(0, p + 1);
        if (field === 0x4d) message = utf8Decoder.decode(response.subarray(p + 1, stop));
        if (field === 0x43) code = utf8Decoder.decode(response.subarray(p + 1, stop));
        p = stop + 1;
      }
      throw Object.assign(new Error(message), { code });
    }
    at = end;
  }
  return { columns, rows };
}

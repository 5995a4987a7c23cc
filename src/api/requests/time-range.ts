// A time range as the `from` and `to` query parameters give it (date-times, `to` excluded), checked alike everywhere.
import { badRequest } from '../../errors.ts';

interface RangeQuery { from?: string; to?: string }

const parse = (value: string | undefined) => (value ? new Date(value) : undefined);

function checked<T extends { from?: Date; to?: Date }>(range: T): T {
  const { from, to } = range;
  if (from && to && from >= to) throw badRequest('invalid_request', `from: must be before to (${to.toISOString()}), not ${from.toISOString()}`);
  return range;
}

/** Either end may be left open. */
export function timeRange(query: RangeQuery): { from?: Date; to?: Date } {
  return checked({ from: parse(query.from), to: parse(query.to) });
}

/** `to` is now unless given, and `from` `spanMs` before `to` unless given. */
export function timeRangeOrLast(query: RangeQuery, spanMs: number): { from: Date; to: Date } {
  const to = parse(query.to) ?? new Date();
  return checked({ from: parse(query.from) ?? new Date(to.getTime() - spanMs), to });
}

// mapHeadings matches headings to columns by key, name or alternate key, each column at most once.

import { describe, expect, it } from 'vitest';
import { mapHeadings } from '../src/ingest/map/map-headings.ts';
import type { Column } from '../src/domain/column.ts';

const column = (key: string, name: string, extra: Partial<Column> = {}): Column => ({
  key, name, type: 'string', required: false, unique: false, alternateKeys: [], ...extra,
});

const columns = [
  column('email', 'Email address', { required: true, alternateKeys: ['e-mail', 'mail'] }),
  column('firstName', 'First name', { required: true }),
  column('zip', 'Zip code', { alternateKeys: ['postcode', 'postal code'] }),
  column('age', 'Age'),
];

describe('matching', () => {
  it('matches by key, name and alternate key, trimmed and ignoring case', () => {
    const result = mapHeadings(['  EMAIL ', 'first NAME', 'Postcode', 'age'], columns);
    expect(result).toEqual({ keys: ['email', 'firstName', 'zip', 'age'], missingRequired: [], unmapped: [] });
  });

  it('leaves unknown and empty headings unmapped, listing only the non-empty ones as written', () => {
    const result = mapHeadings(['Notes', '', null, ' Mail ', '  '], columns);
    expect(result.keys).toEqual([null, null, null, 'email', null]);
    expect(result.unmapped).toEqual(['Notes']);
  });

  it('gives a column to the first heading that matches it only', () => {
    const result = mapHeadings(['E-mail', 'Email address', 'email'], columns);
    expect(result.keys).toEqual(['email', null, null]);
    expect(result.unmapped).toEqual(['Email address', 'email']);
  });

  it('prefers a column whose key matches over one listing that text as an alternate', () => {
    const clash = [column('a', 'Alpha', { alternateKeys: ['b'] }), column('b', 'Beta')];
    expect(mapHeadings(['b', 'a'], clash).keys).toEqual(['b', 'a']);
  });

  it('reads typed XLSX headings as text', () => {
    const yearly = [column('2024', 'Year 2024'), column('active', 'Active')];
    expect(mapHeadings([2024, true, 'active'], yearly).keys).toEqual(['2024', null, 'active']);
  });
});

describe('missing columns', () => {
  it('lists the required columns no heading maps to, and not the optional ones', () => {
    const result = mapHeadings(['age', 'mail'], columns);
    expect(result.missingRequired.map((c) => c.key)).toEqual(['firstName']);
  });

  it('lists every required column for a row of no headings', () => {
    expect(mapHeadings([], columns)).toEqual({ keys: [], missingRequired: [columns[0], columns[1]], unmapped: [] });
  });
});

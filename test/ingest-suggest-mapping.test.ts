// suggestMapping proposes a column for each heading: exact labels first, then similar spellings, each column once.

import { describe, expect, it } from 'vitest';
import { CONFIDENT_MATCH, looseSpelling, suggestMapping } from '../src/ingest/map/map-headings.ts';
import type { Column } from '../src/domain/column.ts';

const column = (key: string, name: string, extra: Partial<Column> = {}): Column => ({
  key, name, type: 'string', required: false, unique: false, alternateKeys: [], ...extra,
});

const people = [
  column('name', 'Name', { required: true }),
  column('firstName', 'Given name'),
  column('email', 'Email', { required: true }),
  column('phone', 'Phone'),
  column('postalCode', 'Postcode'),
  column('country', 'Country', { alternateKeys: ['Land'] }),
];

/** The suggestion for one heading on its own. */
function suggest(heading: string, columns = people) {
  const [s] = suggestMapping([heading], columns).suggestions;
  return { key: s.key, match: s.match, confidence: s.confidence };
}

describe('exact matches', () => {
  it('have confidence 1 and say which label matched', () => {
    const { suggestions } = suggestMapping([' NAME ', 'email', 'land', 'given NAME'], people);
    expect(suggestions).toEqual([
      { index: 0, heading: 'NAME', key: 'name', confidence: 1, match: 'key' },
      { index: 1, heading: 'email', key: 'email', confidence: 1, match: 'key' },
      { index: 2, heading: 'land', key: 'country', confidence: 1, match: 'alternateKey' },
      { index: 3, heading: 'given NAME', key: 'firstName', confidence: 1, match: 'name' },
    ]);
  });
});

describe('similar spellings', () => {
  it.each([
    ['E-mail', 'email'],
    ['E_MAIL', 'email'],
    ['First Name', 'firstName'],
    ['first_name', 'firstName'],
    ['Postal Code', 'postalCode'],
    ['postal-code', 'postalCode'],
    ['Phone #', 'phone'],
    ['Téléphone', null],
    ['Pays', null],
  ])('%j goes to %j confidently', (heading, key) => {
    const s = suggest(heading);
    if (key === null) {
      expect(s.key === null || s.confidence < CONFIDENT_MATCH).toBe(true);
    } else {
      expect(s).toMatchObject({ key, match: 'fuzzy' });
      expect(s.confidence).toBeGreaterThanOrEqual(CONFIDENT_MATCH);
    }
  });

  it('ignores accents when comparing', () => {
    expect(looseSpelling('Código Postal_')).toBe('codigopostal');
    expect(suggest('Naïve', [column('naive', 'Naive')])).toEqual({ key: 'naive', match: 'fuzzy', confidence: 1 });
  });

  it('suggests, without confidence, a heading that only resembles a column', () => {
    const s = suggest('e_mail address');
    expect(s.key).toBe('email');
    expect(s.confidence).toBeGreaterThanOrEqual(0.5);
    expect(s.confidence).toBeLessThan(CONFIDENT_MATCH);
    expect(suggest('Phone number').key).toBe('phone');
    expect(suggest('Phone number').confidence).toBeLessThan(CONFIDENT_MATCH);
  });

  it('suggests a misspelt or plural heading, but leaves the choice to a person', () => {
    expect(suggest('Postcdoe')).toEqual({ key: 'postalCode', match: 'fuzzy', confidence: 0.67 });
    expect(suggest('Emails')).toEqual({ key: 'email', match: 'fuzzy', confidence: 0.77 });
  });

  it.each(['Notes', 'Company', 'Status', 'Age', 'Qty'])('does not map %j to anything', (heading) => {
    expect(suggest(heading)).toEqual({ key: null, match: null, confidence: 0 });
  });

  it('gives confidence with two decimals', () => {
    const { confidence } = suggest('Phone number');
    expect(Math.round(confidence * 100) / 100).toBe(confidence);
  });
});

describe('assignment', () => {
  it('gives each column to one heading only, the most similar', () => {
    const { suggestions, unmapped } = suggestMapping(['Emails', 'E-mail'], people);
    expect(suggestions.map((s) => s.key)).toEqual([null, 'email']);
    expect(unmapped).toEqual(['Emails']);
  });

  it('prefers an exact match to a similar spelling of the same confidence', () => {
    const columns = [column('email', 'Email', { alternateKeys: ['mail'] })];
    // 'E-mail' is as close as can be, but 'mail' is the column's own label.
    const { suggestions } = suggestMapping(['E-mail', 'mail'], columns);
    expect(suggestions.map((s) => [s.key, s.match])).toEqual([[null, null], ['email', 'alternateKey']]);
  });

  it('lets a column whose label a heading matches exactly win over one it only resembles', () => {
    const columns = [column('lastName', 'Last name'), column('firstName', 'First name')];
    expect(suggestMapping(['First name', 'Last name'], columns).suggestions.map((s) => s.key)).toEqual(['firstName', 'lastName']);
    // With only firstName in the template, "Last name" is no first name.
    expect(suggestMapping(['First name', 'Last name'], [columns[1]]).suggestions.map((s) => s.key)).toEqual(['firstName', null]);
  });

  it('skips empty headings but keeps positions', () => {
    const { suggestions } = suggestMapping([null, '', 'Email', 2024], people);
    expect(suggestions.map((s) => [s.index, s.heading, s.key])).toEqual([[2, 'Email', 'email'], [3, '2024', null]]);
  });
});

describe('missingRequired', () => {
  it('lists required columns without a confident suggestion', () => {
    const result = suggestMapping(['e_mail address', 'Phone'], people);
    expect(result.missingRequired.map((c) => c.key)).toEqual(['name', 'email']);
  });

  it('leaves out required columns with a default value', () => {
    const columns = [column('name', 'Name', { required: true }), column('status', 'Status', { required: true, defaultValue: 'new' })];
    expect(suggestMapping(['Name'], columns).missingRequired).toEqual([]);
    expect(suggestMapping(['Notes'], columns).missingRequired.map((c) => c.key)).toEqual(['name']);
  });
});

describe('wide inputs', () => {
  it('matches 2000 headings against 1000 columns', () => {
    const columns = Array.from({ length: 1000 }, (_, i) => column(`field${i}`, `Field number ${i}`, { alternateKeys: [`f${i}`, `col ${i}`] }));
    const headings = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? `Field Number ${i / 2}` : `field_${(i - 1) / 2}`));
    const { suggestions } = suggestMapping(headings, columns);
    expect(suggestions[0]).toMatchObject({ key: 'field0', match: 'name', confidence: 1 });
    expect(suggestions[1]).toMatchObject({ key: null });
    expect(suggestions[1998]).toMatchObject({ key: 'field999', match: 'name' });
    expect(suggestions.filter((s) => s.key !== null)).toHaveLength(1000);
  });
});

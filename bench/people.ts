// The benchmark's data: deterministic people rows of ten mixed columns, and the template that reads them.

/** Headings as a file has them; each is a column's name in the template below. */
export const HEADINGS = ['Id', 'Name', 'Email', 'Age', 'Balance', 'Signup Date', 'Active', 'Zip', 'Plan', 'Notes'];

export const PLANS = ['free', 'basic', 'pro', 'enterprise'];

export function peopleTemplate(code: string, uniqueEmail: boolean) {
  return {
    code,
    name: 'Benchmark people',
    columns: [
      { key: 'id', name: 'Id', type: 'integer', required: true },
      { key: 'name', name: 'Name', type: 'string', required: true },
      { key: 'email', name: 'Email', type: 'email', required: true, unique: uniqueEmail },
      { key: 'age', name: 'Age', type: 'integer' },
      { key: 'balance', name: 'Balance', type: 'number' },
      { key: 'signup_date', name: 'Signup Date', type: 'date' },
      { key: 'active', name: 'Active', type: 'boolean' },
      { key: 'zip', name: 'Zip', type: 'regex', regex: '^\\d{5}$' },
      { key: 'plan', name: 'Plan', type: 'select', selectValues: PLANS },
      { key: 'notes', name: 'Notes', type: 'string' },
    ],
  };
}

const FIRST = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth',
  'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher',
  'Nancy', 'Daniel', 'Lisa', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Zoë', 'José', 'Amélie',
  'Søren', 'Chloé', 'Łukasz', 'Noah', 'Olivia', 'Liam', 'Emma', 'Mateo', 'Ava', 'Lucas', 'Mia', 'Hugo', 'Léa'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee',
  "O'Brien", 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Müller', 'Nguyen', 'Dubois', 'Rossi'];
const WORDS = ['called', 'about', 'renewal', 'invoice', 'pending', 'follow', 'up', 'next', 'week', 'prefers', 'email',
  'phone', 'VIP', 'customer', 'since', 'migrated', 'from', 'legacy', 'plan', 'asked', 'for', 'discount', 'trial',
  'ended', 'churn', 'risk', 'upgraded', 'support', 'ticket', 'closed', 'open', 'billing', 'address', 'changed'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'example.co.uk'];

/** One row's values, typed as a spreadsheet would hold them; about 1% of rows carry an invalid cell, unless asked not to. */
export interface PersonRow {
  id: number;
  name: string;
  email: string;
  age: number | string;
  balance: number;
  signup: Date;
  active: boolean;
  zip: string;
  plan: string;
  notes: string;
}

/** mulberry32: small, fast, and the same rows on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2000, 0, 1);
const DAYS = 25 * 365;

/** `allValid`: the same rows, without the invalid cells (every row is delivered). */
export function* peopleRows(count: number, seed = 42, allValid = false): Generator<PersonRow> {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  for (let id = 1; id <= count; id++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const badEmail = rnd() < 0.004 && !allValid;
    const email = badEmail
      ? `${first}.${last}`.toLowerCase()
      : `${first}.${last}${Math.floor(rnd() * 100_000)}@${pick(DOMAINS)}`.toLowerCase().replace(/'/g, '');
    const words = 1 + Math.floor(rnd() * 6);
    let notes = '';
    if (rnd() > 0.1) {
      for (let w = 0; w < words; w++) notes += (w === 0 ? '' : rnd() < 0.2 ? ', ' : ' ') + pick(WORDS);
      if (rnd() < 0.02) notes += ' "urgent"';
    }
    yield {
      id,
      name: `${first} ${last}`,
      email,
      age: rnd() < 0.003 && !allValid ? 'unknown' : 18 + Math.floor(rnd() * 72),
      balance: Math.round((rnd() * 101_000 - 1000) * 100) / 100,
      signup: new Date(FIRST_DAY + Math.floor(rnd() * DAYS) * DAY_MS),
      active: rnd() < 0.7,
      zip: String(Math.floor(rnd() * 100_000)).padStart(5, '0'),
      plan: pick(PLANS),
      notes,
    };
  }
}

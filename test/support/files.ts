// Builds import requests: CSV text from rows, and the multipart form the import API takes.

export function csv(rows: (string | number)[][]): string {
  return rows.map((r) => r.map((v) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',')).join('\n') + '\n';
}

export function importForm(fields: { template?: string; file?: string | Uint8Array; fileName?: string; authHeaderValue?: string; extra?: string }): FormData {
  const form = new FormData();
  if (fields.template !== undefined) form.append('template', fields.template);
  if (fields.authHeaderValue !== undefined) form.append('authHeaderValue', fields.authHeaderValue);
  if (fields.extra !== undefined) form.append('extra', fields.extra);
  if (fields.file !== undefined) form.append('file', new Blob([fields.file as BlobPart]), fields.fileName ?? 'data.csv');
  return form;
}

/** A people template and its rows: row i is valid unless listed in `invalid` (then its email is broken). */
export const PEOPLE_COLUMNS = [
  { key: 'name', name: 'Name', type: 'string', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true },
  { key: 'age', name: 'Age', type: 'integer' },
  { key: 'zip', name: 'Zip code', type: 'string', alternateKeys: ['postcode'] },
];

export function peopleCsv(count: number, invalid: Set<number> = new Set()): string {
  const rows: (string | number)[][] = [['Name', 'Email', 'Age', 'Postcode']];
  for (let i = 1; i <= count; i++) {
    rows.push([`Person ${i}`, invalid.has(i) ? `broken-${i}` : `p${i}@example.com`, 20 + (i % 50), String(i).padStart(5, '0')]);
  }
  return csv(rows);
}

/** Name, email and age: the template of the tests that look at how rows of a file are found and numbered. */
export const NAME_EMAIL_AGE = [
  { key: 'name', name: 'Name', type: 'string', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true },
  { key: 'age', name: 'Age', type: 'integer' },
];

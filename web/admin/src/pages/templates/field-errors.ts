// Where a refusal of the API belongs in a form: its detail starts with the field's path ("columns/2/max: …").

export interface FieldError {
  /** The path as the API names it, without the list index below a field: 'code', 'columns/2/selectValues'. */
  path: string;
  message: string;
  /** The whole detail, for a form-level summary. */
  detail: string;
}

/** Fields whose value is a list: an error at 'columns/2/dateFormats/1' belongs to the field, not to an item. */
const LIST_FIELDS = new Set(['alternateKeys', 'selectValues', 'dateFormats']);

export function fieldErrorOf(detail: string): FieldError | null {
  const m = /^([A-Za-z][\w]*(?:\/[\w]+)*): ([\s\S]+)$/.exec(detail);
  if (!m) return null;
  const parts = m[1].split('/');
  // columns/2/selectValues/1 → columns/2/selectValues, and the item's number goes into the message.
  if (parts.length === 4 && parts[0] === 'columns' && LIST_FIELDS.has(parts[2])) {
    return { path: parts.slice(0, 3).join('/'), message: `line ${Number(parts[3]) + 1}: ${m[2]}`, detail };
  }
  return { path: parts.join('/'), message: m[2], detail };
}

// Turns a schema check's errors into one message a person can act on: the field, and what it must be.
import type { ErrorObject } from 'ajv';
import { closestName } from './closest-name.ts';

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';
type SchemaNode = Record<string, unknown>;

/**
 * One message for the first problem the check found, e.g. `webhook/chunkSize: must be an integer, not a string`.
 * `part` names the request part for a problem with the whole of it (`body: must be an object, not an array`).
 * Expects the errors of a validator compiled with `verbose` (each carries its schema and value).
 */
export function describeRequestErrors(errors: ErrorObject[], part: string): string {
  if (errors.length === 0) return `${part}: not valid`;
  return explain(errors, part);
}

/**
 * The check stops at the first failure, so the last error is that failure; a union's failure comes after the
 * failures of its branches, and only the branch meant for the value's type is worth telling.
 */
function explain(errors: ErrorObject[], part: string): string {
  const failure = errors[errors.length - 1];
  if (failure.keyword !== 'anyOf' && failure.keyword !== 'oneOf') return describe(failure, part);
  const branches = (failure.schema ?? []) as SchemaNode[];
  const at = fieldOf(failure.instancePath, part);
  const allowed = constants(branches);
  if (allowed) return `${at}: must be one of ${allowed.map(String).join(', ')}${shownValue(failure.data, ', not ')}`;
  const type = jsonType(failure.data);
  const fitting = branches.findIndex((b) => fits(b, type, failure.data));
  const prefix = `${failure.schemaPath}/${fitting}/`;
  const within = errors.filter((e) => e.schemaPath.startsWith(prefix));
  if (fitting !== -1 && within.length > 0) return explain(within, part);
  return `${at}: must be ${orList(branches.flatMap(typesOf).filter(unique).map(article))}, not ${article(type)}`;
}

function describe(e: ErrorObject, part: string): string {
  const at = fieldOf(e.instancePath, part);
  const p = e.params as Record<string, any>;
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  switch (e.keyword) {
    case 'type':
      return `${at}: must be ${orList(String(p.type).split(',').map((t) => article(t as JsonType)))}, not ${valueKind(e.data)}`;
    case 'required':
      return `${fieldOf(`${e.instancePath}/${p.missingProperty}`, part)}: is required`;
    case 'additionalProperties': {
      const names = Object.keys((parent.properties ?? {}) as SchemaNode);
      const near = closestName(p.additionalProperty, names);
      const hint = near ? `did you mean "${near}"?` : `the properties are ${names.join(', ')}`;
      return `${at}: "${p.additionalProperty}" is not a property; ${hint}`;
    }
    case 'minProperties':
      return `${at}: give at least ${p.limit === 1 ? 'one' : p.limit} of ${Object.keys((parent.properties ?? {}) as SchemaNode).join(', ')}`;
    case 'minimum': return `${at}: must be at least ${p.limit}${shownValue(e.data, ', not ')}`;
    case 'maximum': return `${at}: must be at most ${p.limit}${shownValue(e.data, ', not ')}`;
    case 'exclusiveMinimum': return `${at}: must be more than ${p.limit}`;
    case 'exclusiveMaximum': return `${at}: must be less than ${p.limit}`;
    case 'minLength': return p.limit === 1 ? `${at}: must not be empty` : `${at}: must be at least ${p.limit} characters long`;
    case 'maxLength': return `${at}: must be at most ${p.limit} characters long`;
    case 'minItems': return `${at}: must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems': return `${at}: must have at most ${p.limit} items`;
    case 'pattern': return `${at}: must match ${p.pattern}${shownValue(e.data, ', not ')}`;
    case 'format': return `${at}: must be a ${p.format}${shownValue(e.data, ', not ')}`;
    case 'const': return `${at}: must be ${show(p.allowedValue)}`;
    case 'enum': return `${at}: must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')}${shownValue(e.data, ', not ')}`;
    default: return `${at}: ${e.message ?? 'not valid'}`;
  }
}

/** A JSON pointer as the field path people write (`columns/0/type`); the part's name for the whole part. */
function fieldOf(pointer: string, part: string): string {
  if (pointer === '') return part;
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('/');
}

/** The values a union of constants allows (a column's type, a record filter), or undefined for any other union. */
function constants(branches: SchemaNode[]): unknown[] | undefined {
  return branches.length > 0 && branches.every((b) => 'const' in b) ? branches.map((b) => b.const) : undefined;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function typesOf(schema: SchemaNode): JsonType[] {
  if ('const' in schema) return [jsonType(schema.const)];
  if (Array.isArray(schema.type)) return schema.type as JsonType[];
  return typeof schema.type === 'string' ? [schema.type as JsonType] : [];
}

/** Whether a union's branch is the one meant for a value of this type (an integer fits a number branch too). */
function fits(schema: SchemaNode, type: JsonType, value: unknown): boolean {
  if ('const' in schema) return jsonType(schema.const) === type || schema.const === value;
  return typesOf(schema).some((t) => t === type || (t === 'number' && type === 'integer') || (t === 'integer' && type === 'number'));
}

const unique = <T>(v: T, i: number, all: T[]) => all.indexOf(v) === i;

function article(type: JsonType | string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** What a refused value is: a number shows itself (1.5 is no integer), anything else its type. */
function valueKind(value: unknown): string {
  return typeof value === 'number' ? String(value) : article(jsonType(value));
}

/** A short value worth echoing (`, not 0`); nothing for values too long or too nested to help. */
function shownValue(value: unknown, before: string): string {
  if (value === undefined || (typeof value === 'object' && value !== null)) return '';
  const text = show(value);
  return text.length <= 60 ? `${before}${text}` : '';
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

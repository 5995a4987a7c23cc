// Matches a file's heading row to a template's columns: exactly by key, name or alternate key, or by suggestion from similar spelling.

import { cellText } from '../cell-text.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../types.ts';

export type MatchKind = 'key' | 'name' | 'alternateKey' | 'fuzzy';

export interface HeadingSuggestion {
  /** The heading's position in the row. */
  index: number;
  /** The heading as written, trimmed. */
  heading: string;
  /** The suggested column, or null when none is similar enough or the similar ones went to better headings. */
  key: string | null;
  /** 1 for an exact match, else the similarity of the spellings, 0..1 with two decimals; 0 when key is null. */
  confidence: number;
  match: MatchKind | null;
}

export interface MappingSuggestion {
  /** One per non-empty heading, in row order. */
  suggestions: HeadingSuggestion[];
  /** Non-empty headings, as written, with no suggestion. */
  unmapped: string[];
  /** Required columns without a default that no heading fills confidently. */
  missingRequired: Column[];
}

/** At or above this, a suggestion is taken without asking: the server-side import applies these. */
export const CONFIDENT_MATCH = 0.8;
/** Below this, a similarity is a coincidence, not a suggestion. */
export const SUGGESTED_MATCH = 0.5;
/** Headings longer than this (normalized) are sentences, not headings: they are matched exactly only. */
const MAX_FUZZY_LENGTH = 100;

const KIND_RANK: Record<MatchKind, number> = { key: 0, name: 1, alternateKey: 2, fuzzy: 3 };

const normalize = (text: string) => text.trim().toLowerCase();

/** The spelling compared by similarity: lower case, without accents, punctuation, spaces or underscores. */
export const looseSpelling = (text: string) =>
  text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Bigrams of the text between start and end marks, so a differing first or last letter counts as much as one inside. */
function bigrams(text: string): Map<string, number> {
  const padded = `\u0002${text}\u0003`;
  const counts = new Map<string, number>();
  for (let i = 0; i < padded.length - 1; i++) {
    const pair = padded.slice(i, i + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

/**
 * Keys are matched first, then names, then alternate keys, so a column's own key is never
 * lost to another column that lists it as an alternate.
 */
function columnsByLabel(columns: readonly Column[]): Map<string, { column: number; kind: MatchKind }> {
  const byLabel = new Map<string, { column: number; kind: MatchKind }>();
  const add = (label: string | undefined, column: number, kind: MatchKind) => {
    if (label === undefined) return;
    const normalized = normalize(label);
    if (normalized !== '' && !byLabel.has(normalized)) byLabel.set(normalized, { column, kind });
  };
  columns.forEach((column, i) => add(column.key, i, 'key'));
  columns.forEach((column, i) => add(column.name, i, 'name'));
  columns.forEach((column, i) => (column.alternateKeys ?? []).forEach((alternate) => add(alternate, i, 'alternateKey')));
  return byLabel;
}

const hasDefault = (column: Column) => column.defaultValue !== undefined && column.defaultValue !== null;

/** Columns a heading may be suggested for, best first: enough to find a free one after better headings took theirs. */
const CANDIDATES_PER_HEADING = 4;

interface Similar { column: number; score: number }

/**
 * Similarity of spellings as a Dice coefficient on bigrams, found through an index of bigram to
 * label: a heading is compared only with labels it shares a bigram with, so a wide file against
 * a large template costs what their common bigrams cost, not every pair.
 */
function similarityIndex(columns: readonly Column[]) {
  const labelColumn: number[] = [];
  const labelSize: number[] = [];
  const lists = new Map<string, number[]>();
  columns.forEach((column, c) => {
    const spellings = new Set([column.key, column.name, ...(column.alternateKeys ?? [])].map(looseSpelling));
    for (const spelling of spellings) {
      if (spelling === '') continue;
      const label = labelColumn.length;
      labelColumn.push(c);
      labelSize.push(spelling.length + 1);
      for (const [pair, count] of bigrams(spelling)) {
        let list = lists.get(pair);
        if (!list) lists.set(pair, (list = []));
        list.push(label, count);
      }
    }
  });
  /** Per bigram, pairs of (label, times the bigram is in it), flat: the loop over them is the hot one. */
  const postings = new Map<string, Int32Array>();
  for (const [pair, list] of lists) postings.set(pair, Int32Array.from(list));
  // Scratch space reused for every heading: shared bigrams by label, best score by column.
  const shared = new Int32Array(labelColumn.length);
  const touchedLabels = new Int32Array(labelColumn.length);
  const columnScore = new Float64Array(columns.length);

  /** The columns the heading resembles most, at least `floor`, best first; ties go to the earlier column. */
  return (heading: string, floor: number): Similar[] => {
    const spelling = looseSpelling(heading);
    if (spelling === '' || spelling.length > MAX_FUZZY_LENGTH) return [];
    let touched = 0;
    for (const [pair, count] of bigrams(spelling)) {
      const list = postings.get(pair);
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k += 2) {
        const label = list[k];
        if (shared[label] === 0) touchedLabels[touched++] = label;
        shared[label] += Math.min(count, list[k + 1]);
      }
    }
    const size = spelling.length + 1;
    const touchedColumns: number[] = [];
    for (let t = 0; t < touched; t++) {
      const label = touchedLabels[t];
      const dice = (2 * shared[label]) / (size + labelSize[label]);
      shared[label] = 0;
      const column = labelColumn[label];
      if (dice < floor || dice <= columnScore[column]) continue;
      if (columnScore[column] === 0) touchedColumns.push(column);
      columnScore[column] = dice;
    }
    const best: Similar[] = [];
    for (const column of touchedColumns) {
      const score = columnScore[column];
      columnScore[column] = 0;
      if (best.length === CANDIDATES_PER_HEADING && score <= best[best.length - 1].score) continue;
      let at = best.length;
      while (at > 0 && (score > best[at - 1].score || (score === best[at - 1].score && column < best[at - 1].column))) at--;
      best.splice(at, 0, { column, score });
      if (best.length > CANDIDATES_PER_HEADING) best.pop();
    }
    return best;
  };
}

interface Candidate { heading: number; column: number; confidence: number; kind: MatchKind }

const byStrength = (a: Candidate, b: Candidate) =>
  b.confidence - a.confidence || KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.heading - b.heading || a.column - b.column;

const twoDecimals = (x: number) => Math.round(x * 100) / 100;

/** Compiles the template's labels once, for matching many heading rows (as finding the header row does). */
export function compileHeadingMatcher(columns: readonly Column[]): (headings: readonly Cell[]) => MappingSuggestion {
  const byLabel = columnsByLabel(columns);
  const similarity = similarityIndex(columns);
  return (headings) => {
    const suggestions: HeadingSuggestion[] = [];
    const candidates: Candidate[] = [];
    headings.forEach((cell, index) => {
      const heading = cellText(cell).trim();
      if (heading === '') return;
      const at = suggestions.length;
      suggestions.push({ index, heading, key: null, confidence: 0, match: null });
      const exact = byLabel.get(heading.toLowerCase());
      if (exact) candidates.push({ heading: at, column: exact.column, confidence: 1, kind: exact.kind });
      // Rounded to two decimals, a score a hair under the floor reaches it.
      for (const { column, score } of similarity(heading, SUGGESTED_MATCH - 0.005)) {
        const confidence = twoDecimals(score);
        if (confidence >= SUGGESTED_MATCH && column !== exact?.column) candidates.push({ heading: at, column, confidence, kind: 'fuzzy' });
      }
    });
    // Greedy by strength: each column to its most likely heading, each heading to at most one
    // column, among the few best candidates each heading kept.
    candidates.sort(byStrength);
    const taken = new Array<boolean>(columns.length).fill(false);
    for (const { heading, column, confidence, kind } of candidates) {
      const suggestion = suggestions[heading];
      if (taken[column] || suggestion.key !== null) continue;
      taken[column] = true;
      suggestion.key = columns[column].key;
      suggestion.confidence = confidence;
      suggestion.match = kind;
    }
    const confident = new Set(suggestions.filter((s) => s.key !== null && s.confidence >= CONFIDENT_MATCH).map((s) => s.key));
    return {
      suggestions,
      unmapped: suggestions.filter((s) => s.key === null).map((s) => s.heading),
      missingRequired: columns.filter((column) => column.required && !hasDefault(column) && !confident.has(column.key)),
    };
  };
}

export function suggestMapping(headings: readonly Cell[], columns: readonly Column[]): MappingSuggestion {
  return compileHeadingMatcher(columns)(headings);
}

// Finds a workbook's parts as the package format says: through its relationship parts, wherever the writer put them.

import { decodeEntities } from './xml-text.ts';
import type { ZipArchive, ZipEntry } from '../zip/zip-archive.ts';
import { readPartText } from '../zip/zip-part-text.ts';

export interface WorkbookPackage {
  workbook: ZipEntry;
  sharedStrings?: ZipEntry;
  styles?: ZipEntry;
  /** Worksheet parts by relationship id, the id a sheet of the workbook part names its part by. */
  worksheets: Map<string, ZipEntry>;
}

/** A relationship part lists a few dozen parts; one far longer is not one. */
const MAX_RELATIONSHIPS_BYTES = 4 * 1024 * 1024;
const RELATIONSHIP = /<(?:[\w.-]+:)?Relationship\b((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** Where writers that leave out the package relationships put the workbook. */
const USUAL_WORKBOOK = 'xl/workbook.xml';

interface Relationship {
  id: string;
  type: string;
  /** The part's name in the zip, resolved against the source part. */
  target: string;
}

const directoryOf = (partName: string) => partName.slice(0, partName.lastIndexOf('/') + 1);

/** A target relative to its source part's folder, or absolute from the package root ('/xl/worksheets/sheet1.xml', as openpyxl writes). */
function resolveTarget(sourceDirectory: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : sourceDirectory + target;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment);
  }
  return segments.join('/');
}

function parseRelationships(xml: string, sourceDirectory: string): Relationship[] {
  const relationships: Relationship[] = [];
  for (const [, attributeText] of xml.matchAll(RELATIONSHIP)) {
    const attributes = new Map<string, string>();
    for (const [, name, double, single] of attributeText.matchAll(ATTRIBUTE)) attributes.set(name, decodeEntities(double ?? single));
    const id = attributes.get('Id');
    const type = attributes.get('Type');
    const target = attributes.get('Target');
    if (!id || !type || !target || attributes.get('TargetMode') === 'External') continue;
    relationships.push({ id, type, target: resolveTarget(sourceDirectory, target) });
  }
  return relationships;
}

/** The relationship types end the same in transitional and strict workbooks; only their namespaces differ. */
const isType = (relationship: Relationship, name: string) => relationship.type.endsWith(`/${name}`);

/**
 * The workbook part, its shared strings, styles and worksheets; null when the zip has no workbook part. Part names
 * compare case-insensitively, as the package format has them, and a target may be percent-encoded.
 */
export async function readWorkbookPackage(archive: ZipArchive): Promise<WorkbookPackage | null> {
  const byName = new Map<string, ZipEntry>();
  for (const entry of archive.entries) byName.set(entry.name.toLowerCase(), entry);
  const find = (name: string) => {
    const entry = byName.get(name.toLowerCase());
    if (entry) return entry;
    try {
      return byName.get(decodeURIComponent(name).toLowerCase());
    } catch {
      return undefined;
    }
  };
  const relationshipsOf = async (partName: string) => {
    const directory = directoryOf(partName);
    const entry = find(`${directory}_rels/${partName.slice(directory.length)}.rels`);
    return entry ? parseRelationships(await readPartText(archive, entry, MAX_RELATIONSHIPS_BYTES), directory) : [];
  };
  const officeDocument = (await relationshipsOf('')).find((r) => isType(r, 'officeDocument'));
  const workbookName = officeDocument?.target ?? USUAL_WORKBOOK;
  const workbook = find(workbookName);
  if (!workbook) return null;
  const found: WorkbookPackage = { workbook, worksheets: new Map() };
  for (const relationship of await relationshipsOf(workbookName)) {
    const entry = find(relationship.target);
    if (!entry) continue;
    if (isType(relationship, 'worksheet')) found.worksheets.set(relationship.id, entry);
    else if (isType(relationship, 'sharedStrings')) found.sharedStrings ??= entry;
    else if (isType(relationship, 'styles')) found.styles ??= entry;
  }
  return found;
}

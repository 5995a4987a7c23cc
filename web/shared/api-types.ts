// The shapes of the API's answers both web apps read, taken from the schemas the service answers by (types only:
// nothing of the server goes into a bundle), so that a column's rules are written down once.
import type { Static } from '@sinclair/typebox';
import type { ColumnView, ConsoleSession as ConsoleSessionView, UploadView } from '../../src/api/answer-schemas.ts';

/** A template's column as the API answers it. */
export type Column = Static<typeof ColumnView>;

export type ColumnType = Column['type'];

export type ConsoleSession = Static<typeof ConsoleSessionView>;

export type UploadStatus = Static<typeof UploadView>['status'];

/** An upload as the JSON answer carries it: its moments as ISO text, where the schema also takes a Date. */
export type Upload = Omit<Static<typeof UploadView>, 'createdAt' | 'finishedAt'> & { createdAt: string; finishedAt: string | null };

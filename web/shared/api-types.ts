// The shapes of the API's answers both web apps read, taken from the schemas the service answers by (types only:
// nothing of the server goes into a bundle), so that a column's rules are written down once.
import type { Static } from '@sinclair/typebox';
import type { ColumnView, ConsoleSession as ConsoleSessionView } from '../../src/api/answer-schemas.ts';

/** A template's column as the API answers it. */
export type Column = Static<typeof ColumnView>;

export type ColumnType = Column['type'];

export type ConsoleSession = Static<typeof ConsoleSessionView>;

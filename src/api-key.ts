// The credential formats: an API key (`sk_` and 24 random bytes in base64url, and the first characters a list shows
// to tell keys apart), an import session token (`ist_` and 32 random bytes), told apart by their prefix, and a
// console session's cookie token (32 random bytes, never sent as a bearer token).
import { randomBytes } from 'node:crypto';

/** `sk_` and 8 characters: 48 of the key's 192 random bits, enough to recognise it, far too few to guess the rest. */
const PREFIX_LENGTH = 11;

export const generateApiKey = () => `sk_${randomBytes(24).toString('base64url')}`;

export const apiKeyPrefix = (key: string) => key.slice(0, PREFIX_LENGTH);

/** What marks a bearer token as an import session's rather than an API key. */
export const SESSION_TOKEN_PREFIX = 'ist_';

export const generateSessionToken = () => `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Only ever in an HttpOnly cookie: it needs no prefix to tell it from the credentials a bearer header carries. */
export const generateConsoleToken = () => randomBytes(32).toString('base64url');

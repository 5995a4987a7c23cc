// The credential formats: an API key (`sk_` and 24 random bytes in base64url, and the first characters a list shows
// to tell keys apart), and an import session token (`ist_` and 32 random bytes), told apart by their prefix.
import { randomBytes } from 'node:crypto';

/** `sk_` and 8 characters: 48 of the key's 192 random bits, enough to recognise it, far too few to guess the rest. */
const PREFIX_LENGTH = 11;

export const generateApiKey = () => `sk_${randomBytes(24).toString('base64url')}`;

export const apiKeyPrefix = (key: string) => key.slice(0, PREFIX_LENGTH);

/** What marks a bearer token as an import session's rather than an API key. */
export const SESSION_TOKEN_PREFIX = 'ist_';

export const generateSessionToken = () => `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

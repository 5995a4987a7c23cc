// The API key format: `sk_` and 24 random bytes in base64url, and the first characters a list shows to tell keys apart.
import { randomBytes } from 'node:crypto';

/** `sk_` and 8 characters: 48 of the key's 192 random bits, enough to recognise it, far too few to guess the rest. */
const PREFIX_LENGTH = 11;

export const generateApiKey = () => `sk_${randomBytes(24).toString('base64url')}`;

export const apiKeyPrefix = (key: string) => key.slice(0, PREFIX_LENGTH);

// Prints a fresh API key for ADMIN_API_KEY: ocop_sk_ + 32 random bytes (base64url).
import { randomBytes } from 'node:crypto';
console.log('ocop_sk_' + randomBytes(32).toString('base64url'));

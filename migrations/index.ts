/** Every migration, in order. The only source of the schema (synchronize is never on). */
import { Foundation1764201600000 } from './1764201600000-Foundation.js';

export const MIGRATIONS = [Foundation1764201600000];

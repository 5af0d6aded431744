import type { Migration } from 'kysely';
import * as init from './20261123T170000_init';

// NOTE: append-only. A migration that has shipped is never edited; add a new one.
export const migrations: Record<string, Migration> = {
  '20261123T170000_init': init,
};

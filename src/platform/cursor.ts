import { sql } from 'kysely';
import { ValidationError } from '../errors';

/** Opaque keyset cursor: base64url of `<iso time>|<uuid>`. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(
  cursor: string | undefined,
): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new ValidationError([{ field: 'cursor', issue: 'Invalid cursor', location: 'query' }]);
  }
  return { createdAt, id };
}

/**
 * The keyset condition after a cursor: rows older than it (`'<'`, newest-first lists) or newer
 * (`'>'`, oldest-first). A row comparison, so the (created_at, id) index serves it.
 */
export function afterCursor(
  after: { createdAt: Date; id: string },
  direction: '<' | '>' = '<',
  alias?: string,
) {
  const col = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  return sql<boolean>`(${col('created_at')}, ${col('id')}) ${sql.raw(direction)} (${after.createdAt}, ${after.id}::uuid)`;
}

/** One page from `limit + 1` fetched rows, and the cursor of the next page if there is one. */
export function pageOf<R extends { created_at: Date; id: string }>(
  rows: R[],
  limit: number,
): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

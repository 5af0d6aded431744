import { Client } from 'pg';
import { quoteIdent } from './client';

/**
 * Creates the database named in `databaseUrl` when it does not exist yet, by connecting
 * to the server's `postgres` maintenance database. Returns true when it was created.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) {
    throw new Error('DATABASE_URL names no database');
  }
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) {
      return false;
    }
    try {
      await client.query(`create database ${quoteIdent(name)}`);
    } catch (err) {
      // Another process created it between our check and our create: that is fine.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') {
        throw err;
      }
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

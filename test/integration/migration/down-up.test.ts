import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Client } from 'pg';
import { createDb } from '../../../db/client';
import { migrateToLatest } from '../../../db/migrate';
import { migrations } from '../../../db/migrations';
import { TEST_DATABASE_URL } from '../../support/test-context';

// Every migration's down() undoes its up(): all the way down from the latest, then up again,
// leaves the same tables, functions and triggers as the first time.
// NOTE: in a database of its own: Kysely's migrator reads every schema's tables before each
// step, and other test files dropping their schemas meanwhile make that read fail.
const schema = `glas_downup_${randomBytes(4).toString('hex')}`;
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${schema}`;
const adminUrl = new URL(TEST_DATABASE_URL);
adminUrl.pathname = '/postgres';
const admin = new Client({ connectionString: adminUrl.toString() });
const { db } = createDb(url.toString(), { schema, max: 2 });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database "${schema}"`);
});

afterAll(async () => {
  await db.destroy();
  await admin.query(`drop database if exists "${schema}" with (force)`);
  await admin.end();
});

async function shape(): Promise<string[]> {
  const { rows } = await sql<{ what: string }>`
    select 'table ' || table_name || '.' || column_name || ' ' || data_type as what
      from information_schema.columns
      where table_schema = ${schema} and table_name not like 'kysely_migration%'
    union all
    select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
        || md5(pg_get_functiondef(p.oid))
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = ${schema}
    union all
    select 'trigger ' || tgname || ' on ' || c.relname
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and not t.tgisinternal
    union all
    select 'index ' || indexname || ' ' || md5(indexdef)
      from pg_indexes where schemaname = ${schema} and tablename not like 'kysely_migration%'
    order by 1`.execute(db);
  return rows.map((r) => r.what);
}

describe('migrations', () => {
  it('step down one at a time through the same schemas they stepped up through', async () => {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
      migrationTableSchema: schema,
    });
    const names = Object.keys(migrations).sort();
    const shapes = [await shape()];
    for (const name of names) {
      const up = await migrator.migrateUp();
      expect({ name, error: up.error }).toEqual({ name, error: undefined });
      shapes.push(await shape());
    }
    expect(shapes.at(-1)!.length).toBeGreaterThan(100);

    for (let k = names.length; k > 0; k--) {
      const down = await migrator.migrateDown();
      const name = names[k - 1]!;
      expect({ name, error: down.error }).toEqual({ name, error: undefined });
      // After undoing migration k the schema is what it was before k went up.
      expect({ name, shape: await shape() }).toEqual({ name, shape: shapes[k - 1] });
    }

    await migrateToLatest(db as Kysely<unknown>, schema);
    expect(await shape()).toEqual(shapes.at(-1));
  }, 300_000);
});

import type { ColumnType } from 'kysely';

/** A column the database fills in (default) but that can be set explicitly. */
export type Generated<T> = ColumnType<T, T | undefined, T>;
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
export type Json<T> = ColumnType<T, string | T | undefined, string | T>;
export type JsonObject = Record<string, unknown>;

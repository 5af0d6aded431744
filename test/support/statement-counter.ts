import { Client } from 'pg';

/**
 * Counts the statements sent to Postgres (every pg client's query, BEGIN and COMMIT included):
 * the round-trip budgets of the hot paths (README, "Performance"). A counter in front of the
 * real driver: every statement still goes to the real Postgres.
 */
export interface StatementCounter {
  /** The statements `fn` sent (their first 80 characters), in order. */
  counted(fn: () => Promise<unknown>): Promise<string[]>;
  /** Puts the driver back. */
  restore(): void;
}

export function countStatements(): StatementCounter {
  const original = Client.prototype.query;
  let statements: string[] = [];
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
    statements.push(String(text ?? '').slice(0, 80));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;
  return {
    async counted(fn) {
      statements = [];
      await fn();
      const seen = statements;
      statements = [];
      return seen;
    },
    restore() {
      Client.prototype.query = original;
    },
  };
}

import { sql } from 'kysely';
import type { Kysely, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Database } from '../../db/schema';
import { isConnectionError } from '../platform/connection-errors';

/** A statement moving one send's row: its hand-off to SMTP, or the outcome the server gave. */
export interface MarkWrite {
  db: Kysely<Database>;
  invitationId: string;
  /** Built when it runs, so the times it records are the moment it runs. */
  query(): UpdateQueryBuilder<Database, 'invitations', 'invitations', UpdateResult>;
}

interface Waiting {
  handed: MarkWrite;
  resolve: (handed: boolean) => void;
  reject: (err: unknown) => void;
}

/** How long a worker keeps trying to record a mail the server accepted while Postgres is away. */
const RECORD_ACCEPTED_RETRY_MS = 5 * 60_000;

async function run(write: MarkWrite): Promise<boolean> {
  const result = await write.query().executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * This worker knows the server accepted the mail, so losing that to a Postgres outage would
 * make a known outcome ambiguous: the write is retried with backoff while the connection is
 * away (up to RECORD_ACCEPTED_RETRY_MS). Only a worker that dies in between leaves a
 * `send_unknown`. Errors that are not about the connection are not retried.
 */
async function recordAccepted(write: MarkWrite, limitMs = RECORD_ACCEPTED_RETRY_MS) {
  const deadline = Date.now() + limitMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      await run(write);
      return;
    } catch (err) {
      if (!isConnectionError(err) || Date.now() + delay > deadline) {
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * The hand-off turn of one process: one send at a time between its hand-off to SMTP and its
 * recorded outcome, so a process that dies leaves at most one send whose fate is unknown.
 * When the holder's mail was accepted and another send waits, the holder's `sent` and the
 * waiter's hand-off are one statement (one commit): before it, only the holder is unknown;
 * after it, only the waiter. That spares a commit per mail in the stretch every send of the
 * process passes one at a time.
 */
class HandOffLane {
  private held = false;
  private readonly waiting: Waiting[] = [];

  /**
   * Waits for the turn and records the hand-off. True: handed, and the turn is the caller's
   * until it calls leave() or leaveAccepted(). False (the claim lapsed) or a rejection: the
   * turn is not the caller's.
   */
  enter(handed: MarkWrite): Promise<boolean> {
    if (this.held) {
      return new Promise((resolve, reject) => this.waiting.push({ handed, resolve, reject }));
    }
    this.held = true;
    return this.handOff(handed);
  }

  /** Ends the turn with nothing to record for it here (a refusal, a lost answer). */
  leave(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.held = false;
      return;
    }
    this.handOff(next.handed).then(next.resolve, next.reject);
  }

  /** Ends the turn by recording the accepted mail, with the next waiter's hand-off if any. */
  async leaveAccepted(sent: MarkWrite): Promise<void> {
    const next = this.waiting[0];
    if (!next || next.handed.db !== sent.db || next.handed.invitationId === sent.invitationId) {
      try {
        await recordAccepted(sent);
      } finally {
        this.leave();
      }
      return;
    }
    this.waiting.shift();
    let handed: boolean;
    try {
      handed = await both(sent, next.handed);
    } catch (err) {
      // Neither was written: the waiter transmits nothing, and this mail is recorded alone
      // before anyone else may hand off.
      next.reject(err);
      try {
        await recordAccepted(sent);
      } finally {
        this.leave();
      }
      return;
    }
    next.resolve(handed);
    if (!handed) {
      this.leave();
    }
  }

  private async handOff(handed: MarkWrite): Promise<boolean> {
    try {
      if (await run(handed)) {
        return true;
      }
    } catch (err) {
      this.leave();
      throw err;
    }
    this.leave();
    return false;
  }
}

/** `sent` and `handed` in one statement; whether the hand-off changed its row. */
async function both(sent: MarkWrite, handed: MarkWrite): Promise<boolean> {
  const { rows } = await sql<{ handed: string }>`
    with done as (${sent.query().returning('id')}),
         next as (${handed.query().returning('id')})
    select (select count(*) from next) as handed`.execute(sent.db);
  return Number(rows[0]?.handed ?? 0) > 0;
}

/** The lane every send of this process goes through. */
export const handOffLane = new HandOffLane();

import { rateLimit } from 'express-rate-limit';
import type {
  IncrementResponse,
  Options,
  RateLimitRequestHandler,
  Store,
} from 'express-rate-limit';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { errorBody } from './errors';

/** Share of the limit one process may admit before it asks Redis (see RedisCounterStore). */
export const LOCAL_SHARE = 0.01;
/** How often a process adds the hits it counted alone to the shared counters. */
export const FLUSH_MS = 50;
const MAX_WINDOWS = 50_000;

interface Window {
  /** The shared count as Redis last answered it, this process's flushed hits included. */
  shared: number;
  /** Hits admitted here and not yet added in Redis. */
  pending: number;
  /** Hits sent to Redis whose answer has not come back. */
  inflight: number;
  resetAt: number;
}

/**
 * express-rate-limit's counters in Redis, so every API process counts together. Each window
 * is one key: created with its expiry (SET NX PX), then incremented atomically (INCRBY).
 *
 * Under-limit traffic does not wait for Redis on every request: a process admits up to
 * `batch` hits (LOCAL_SHARE of the limit, at least 1) on its own count, then adds them in one
 * INCRBY whose answer, the cluster-wide total, decides that request; counts left over are
 * added every FLUSH_MS for all keys in one pipeline. From 90% of the limit every hit asks
 * Redis. The trade-off: once the cluster crosses the limit, each process may still admit
 * what it has not had confirmed: fewer than `batch` hits (counted here plus in flight; past
 * that every hit waits for Redis), so the limit can be overshot by at most LOCAL_SHARE of it
 * per API process (1% each; nothing for limits under 100, where batch is 1 and every hit
 * asks Redis, as before).
 */
export class RedisCounterStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private batch = 1;
  private limit = Infinity;
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    if (typeof options.limit === 'number') {
      this.limit = options.limit;
      this.batch = Math.max(1, Math.floor(options.limit * LOCAL_SHARE));
    }
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      w = { shared: 0, pending: 0, inflight: 0, resetAt: now + this.windowMs };
      // NOTE: with a batch of 1, or past MAX_WINDOWS keys, nothing is kept: each hit asks Redis.
      if (this.batch > 1 && this.windows.size < MAX_WINDOWS) {
        this.windows.set(key, w);
        this.timer ??= setTimeout(() => void this.flushAll(), FLUSH_MS).unref();
      }
    }
    w.pending++;
    const unconfirmed = w.pending + w.inflight;
    if (unconfirmed < this.batch && w.shared + unconfirmed < this.limit * 0.9) {
      return { totalHits: w.shared + unconfirmed, resetTime: new Date(w.resetAt) };
    }
    const hits = w.pending;
    w.pending = 0;
    w.inflight += hits;
    try {
      const [total] = await this.add([[key, hits]]);
      this.seen(w, total!);
      return { totalHits: total!.hits, resetTime: new Date(w.resetAt) };
    } catch (err) {
      w.pending += hits;
      throw err;
    } finally {
      w.inflight -= hits;
    }
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    this.windows.delete(key);
    await this.redis.del(this.prefix + key);
  }

  /** Adds the counts left over in all keys, in one pipeline; forgets windows that are over. */
  private async flushAll(): Promise<void> {
    this.timer = undefined;
    const now = Date.now();
    const due: [string, number][] = [];
    for (const [key, w] of this.windows) {
      if (w.pending > 0) {
        due.push([key, w.pending]);
        w.inflight += w.pending;
        w.pending = 0;
      } else if (now >= w.resetAt) {
        this.windows.delete(key);
      }
    }
    if (this.windows.size > 0) {
      this.timer = setTimeout(() => void this.flushAll(), FLUSH_MS).unref();
    }
    if (due.length === 0) {
      return;
    }
    const kept = due.map(([key]) => this.windows.get(key)!);
    try {
      const totals = await this.add(due);
      kept.forEach((w, i) => this.seen(w, totals[i]!));
    } catch {
      // NOTE: Redis away: the hits are kept and added with the next flush (limits protect cost).
      kept.forEach((w, i) => (w.pending += due[i]![1]));
    } finally {
      kept.forEach((w, i) => (w.inflight -= due[i]![1]));
    }
  }

  private seen(w: Window, total: { hits: number; ttl: number }): void {
    w.shared = Math.max(w.shared, total.hits);
    w.resetAt = Date.now() + (total.ttl > 0 ? total.ttl : this.windowMs);
  }

  private async add(counts: [string, number][]): Promise<{ hits: number; ttl: number }[]> {
    const multi = this.redis.multi();
    for (const [key, hits] of counts) {
      const k = this.prefix + key;
      multi.set(k, 0, 'PX', this.windowMs, 'NX').incrby(k, hits).pttl(k);
    }
    const replies = await multi.exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) {
      throw failed?.[0] ?? new Error('rate limit counter unavailable');
    }
    return counts.map((_, i) => ({
      hits: Number(replies[i * 3 + 1]?.[1]),
      ttl: Number(replies[i * 3 + 2]?.[1]),
    }));
  }
}

/**
 * A rate limiter whose counts are shared by all processes through Redis. While Redis is away
 * requests pass (the limits protect cost, not correctness; ingest must keep working then).
 */
export function sharedRateLimit(
  ctx: Pick<AppContext, 'redis' | 'config'>,
  name: string,
  options: Partial<Options>,
): RateLimitRequestHandler {
  return rateLimit({
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    passOnStoreError: true,
    store: new RedisCounterStore(ctx.redis, `${ctx.config.REDIS_PREFIX}:rate:${name}:`),
    ...options,
  });
}

/**
 * RATE_LIMIT_API_PER_MINUTE per key, refused with 429 in the API's JSON error shape and a
 * Retry-After: the API itself, and the providers' inbound calls (keyed per source URL).
 */
export function apiRateLimit(
  ctx: Pick<AppContext, 'redis' | 'config'>,
  name: string,
  keyGenerator: (req: Request) => string,
): RateLimitRequestHandler {
  return sharedRateLimit(ctx, name, {
    windowMs: 60_000,
    limit: ctx.config.RATE_LIMIT_API_PER_MINUTE,
    keyGenerator,
    handler: (_req, res) => {
      res.set('Retry-After', '60');
      res
        .status(429)
        .json(errorBody(new AppError(429, 'rate_limited', 'Too many requests; retry later.')));
    },
  });
}

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

/**
 * express-rate-limit's counters in Redis, so every API process counts together. Each window
 * is one key: created with its expiry (SET NX PX, Redis ≥ 2.6), then incremented atomically.
 */
export class RedisCounterStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const k = this.prefix + key;
    const replies = await this.redis
      .multi()
      .set(k, 0, 'PX', this.windowMs, 'NX')
      .incr(k)
      .pttl(k)
      .exec();
    const failed = replies?.find(([err]) => err);
    if (!replies || failed) {
      throw failed?.[0] ?? new Error('rate limit counter unavailable');
    }
    const totalHits = Number(replies[1]?.[1]);
    const ttl = Number(replies[2]?.[1]);
    return { totalHits, resetTime: new Date(Date.now() + (ttl > 0 ? ttl : this.windowMs)) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
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

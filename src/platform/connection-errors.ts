/** Node's codes for a connection refused, reset, timed out or not routable. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** pg and pg-pool report a connection lost or never made by message only. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
];

/**
 * Whether an error says a backing service (Postgres, mostly) is away rather than that the
 * statement was wrong: a socket error, pg's connection messages, or Postgres's connection
 * exception class (08…) and its shutdown codes (57P01 admin shutdown, 57P03 cannot connect
 * now). Such a failure is worth retrying; anything else is not.
 */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) {
    return false;
  }
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P03') {
      return true;
    }
  }
  return typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.startsWith(m));
}

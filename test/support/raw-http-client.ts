import http from 'node:http';
import { createServer } from 'node:net';

// Requests written byte for byte as each Delighted client sends them (supertest would add or
// normalise headers: a Content-Type on a string body, a Content-Length on an empty one).

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as the clients see it
  body: any;
}

export interface RawRequest {
  method: string;
  /** A path with its query, or an absolute URL (a `Link` the client follows). */
  url: string;
  headers?: Record<string, string>;
  /** Written as is; a Content-Length is set only when given. */
  body?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined) {
    headers['Content-Length'] = String(Buffer.byteLength(req.body));
  }
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) {
      r.write(req.body);
    }
    r.end();
  });
}

/** Ruby's `["key:"].pack('m').chomp`: base64 broken into 60-character lines. */
export function rubyPackM(s: string): string {
  const b64 = Buffer.from(s, 'utf8').toString('base64');
  const lines = b64.match(/.{1,60}/g) ?? [''];
  return `${lines.join('\n')}\n`.replace(/\n$/, '');
}

/** The `Link: <…>; rel="next"` URL, parsed the way all four clients do (split on `,` and `;`). */
export function nextLink(res: RawResponse): string | undefined {
  const header = res.headers.link;
  if (!header) {
    return undefined;
  }
  for (const part of String(header).split(',')) {
    const [url, rel] = part.split(';');
    if (rel && /rel="?next"?/.test(rel)) {
      return /<(.*)>/.exec(url ?? '')?.[1];
    }
  }
  return undefined;
}

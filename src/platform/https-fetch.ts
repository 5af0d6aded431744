import https from 'node:https';

/** GETs a URL and resolves with its body as text; rejects on a non-2xx answer. */
export type TextFetcher = (url: URL) => Promise<string>;

/**
 * A fetcher for small documents over HTTPS only (certificates, confirmation links), with a
 * deadline and a size cap so a slow or huge answer cannot hold a request open.
 */
export function httpsTextFetcher(options: { timeoutMs: number; maxBytes: number }): TextFetcher {
  return (url) =>
    new Promise((resolve, reject) => {
      if (url.protocol !== 'https:') {
        reject(new Error('only https is fetched'));
        return;
      }
      const req = https.get(url, { timeout: options.timeoutMs }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(new Error(`fetch answered ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy(new Error('fetched document is too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('fetch timed out')));
      req.on('error', reject);
    });
}

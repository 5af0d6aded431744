import path from 'node:path';
import { Eta } from 'eta';

// NOTE: autoEscape makes `<%= %>` HTML-escape everything; comments are text everywhere.
const eta = new Eta({
  views: path.join(__dirname, 'templates'),
  autoEscape: true,
  autoTrim: false,
  cache: true,
});

export function renderTemplate(name: string, data: object): string {
  return eta.render(name, data as Record<string, unknown>);
}

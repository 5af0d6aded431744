// Copies non-TypeScript assets (templates, CSS) next to the compiled code in dist/.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const dir of [
  'src/surveys/templates',
  'src/http/dashboard/templates',
  'src/reports/templates',
]) {
  fs.cpSync(path.join(root, dir), path.join(root, 'dist', dir), { recursive: true });
}

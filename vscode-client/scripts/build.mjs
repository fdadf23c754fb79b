// Build the extension: copy the JSON Schemas from the repository's schema/ directory into
// schemas/ (gitignored: schema/ stays the single source), then bundle src/extension.ts and
// vscode-languageclient into dist/extension.js with esbuild.
//
//   node scripts/build.mjs               development build (source maps)
//   node scripts/build.mjs --production  minified, used by `vsce package`
//   node scripts/build.mjs --watch
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoSchemaDir = resolve(root, '..', 'schema');
const SCHEMAS = ['eksa-cluster.schema.json', 'registry-mirror-configuration.schema.json'];
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function copySchemas() {
  const missing = SCHEMAS.filter((name) => !existsSync(join(repoSchemaDir, name)));
  if (missing.length) {
    console.error(
      `build: missing ${missing.map((m) => `schema/${m}`).join(', ')} in ${resolve(root, '..')}.\n` +
        'build: the extension ships the repository\'s JSON Schemas (copied, never committed here); ' +
        'build from a checkout that has them.',
    );
    process.exit(1);
  }
  const out = join(root, 'schemas');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const name of SCHEMAS) copyFileSync(join(repoSchemaDir, name), join(out, name));
  console.log(`build: copied ${SCHEMAS.length} schemas from ${repoSchemaDir}`);
}

copySchemas();
const options = {
  entryPoints: [join(root, 'src', 'extension.ts')],
  outfile: join(root, 'dist', 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  logLevel: 'info',
};
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}

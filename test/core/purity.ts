// The rule behind the purity test: which imports and calls a src/core file may not make.

const NODE_BUILTINS = new Set([
  'fs', 'fs/promises', 'path', 'os', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'tls', 'child_process', 'cluster',
  'worker_threads', 'zlib', 'stream', 'readline', 'process', 'crypto', 'url', 'util', 'events', 'perf_hooks', 'v8', 'vm',
]);
/** npm packages that do I/O (databases, network, files) and so belong in io/ or service/. */
const IO_PACKAGES = [
  'pg', 'better-sqlite3', 'sqlite3', 'ioredis', 'redis', '@nats-io', 'nats', 'fastify', 'ws', 'undici', 'axios',
  'node-fetch', '@duckdb', 'osm-pbf-parser-node', 'csv-parse', 'saxes', 'piscina', 'pino', 'commander', 'cli-progress',
];

/** Returns the forbidden module specifiers (and clock/unseeded-random calls) found in a core source file. */
export function forbiddenImports(source: string): string[] {
  const bad: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    const bare = spec.replace(/^node:/, '');
    if (
      spec.startsWith('node:') ||
      NODE_BUILTINS.has(bare) ||
      IO_PACKAGES.some((p) => bare === p || bare.startsWith(`${p}/`)) ||
      /(^|\/)\.\.\/(io|service|cli)\//.test(spec) ||
      /^\.\.\/\.\.\/(io|service|cli|web|bench)/.test(spec)
    ) {
      bad.push(spec);
    }
  }
  for (const call of ['Date.now()', 'Math.random()', 'performance.now()', 'new Date()']) if (source.includes(call)) bad.push(call);
  return bad;
}

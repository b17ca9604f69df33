// `npm run bench`: runs every benchmark under bench/ (each a folder with an index.ts exporting `run`) and prints
// one table of figures. Benchmarks report medians and ratios measured in the same run; they never assert.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  benchmark: string;
  measure: string;
  value: string;
}

const here = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv[2];
const rows: BenchRow[] = [];
for (const name of readdirSync(here).sort()) {
  const entry = join(here, name, 'index.ts');
  if (!existsSync(entry) || (only && name !== only)) continue;
  console.error(`bench: running ${name}…`);
  const module = (await import(pathToFileURL(entry).href)) as { run: () => Promise<BenchRow[]> };
  rows.push(...(await module.run()));
}

const widths = (['benchmark', 'measure', 'value'] as const).map((key) => Math.max(key.length, ...rows.map((row) => row[key].length)));
const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ');
console.log(line(['benchmark', 'measure', 'value']));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(line([row.benchmark, row.measure, row.value]));

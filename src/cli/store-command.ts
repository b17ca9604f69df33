// `wirefold store copy <from> <to>`: the store moved between SQLite and PostgreSQL, with a verification table.
import { copyStore } from '../store/copy.ts';
import type { CopyReport } from '../store/copy.ts';
import { SameStoreError } from '../store/copy-ends.ts';
import { columnsNotCopied, headerNotCopied, tablesNotCopied } from '../store/copy-plan.ts';
import { printableLocation, StoreLocationError } from '../store/location.ts';
import { exitCodes } from './exit-codes.ts';
import { UsageError } from './settings.ts';
import { progress } from './progress.ts';

export async function storeCommand(args: string[]): Promise<number> {
  const [action, from, to] = args;
  if (action !== 'copy') throw new UsageError(action ? `unknown store action "${action}"` : 'store needs an action (copy)');
  if (!from || !to) throw new UsageError('store copy needs a source and a target');
  let report: CopyReport;
  try {
    const copying = progress('store copy: rows copied');
    const verifying = progress('store copy: tables verified');
    report = await copyStore(from, to, {
      onBatch: (_table, copied, total) => copying.update(copied, total),
      onVerified: (_table, verified, total) => {
        if (verified === 1) copying.finish();
        verifying.update(verified, total);
      },
    });
    verifying.finish();
  } catch (error) {
    // Naming an unknown scheme or one store twice is a mistake in the command line, like a missing argument.
    if (error instanceof StoreLocationError || error instanceof SameStoreError) throw new UsageError(error.message);
    throw error;
  }
  console.log(verificationTable(report));
  const notCopied = [...Object.keys(tablesNotCopied).map((table) => `table ${table}`), ...Object.keys(columnsNotCopied)].join(', ');
  console.log(`not copied: ${notCopied} (work state and bookkeeping; see README "PostgreSQL"); and ${headerNotCopied.split(':')[0]}`);
  const rate = Math.round(report.rows / Math.max(report.seconds, 1e-3)).toLocaleString('en-US');
  if (!report.verified) {
    console.error(`wirefold store: the copy differs from ${printableLocation(from)} (see the table); nothing was written to ${printableLocation(to)}`);
    return exitCodes.failure;
  }
  console.log(`store copy: ${report.rows.toLocaleString('en-US')} rows from ${printableLocation(from)} to ${printableLocation(to)} in ${report.seconds.toFixed(1)} s ` +
    `(${rate} rows/s), counts and checksums equal`);
  return exitCodes.ok;
}

/** One line per table: rows on each side and whether the content checksums agree. */
function verificationTable(report: CopyReport): string {
  const width = Math.max(5, ...report.tables.map((table) => table.table.length));
  const lines = [`${'table'.padEnd(width)}  ${'rows'.padStart(9)}  checksum`];
  for (const table of report.tables) {
    const rows = table.sourceRows === table.targetRows ? String(table.sourceRows) : `${table.sourceRows}≠${table.targetRows}`;
    const same = table.sourceChecksum === table.targetChecksum && table.sourceRows === table.targetRows;
    lines.push(`${table.table.padEnd(width)}  ${rows.padStart(9)}  ${same ? 'ok' : 'DIFFERS'}`);
  }
  return lines.join('\n');
}

// Progress for long stages: a redrawn bar on a terminal, a plain line every few seconds anywhere else (logs, cron).

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let lastPlain = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (tty) {
        const width = 24;
        const filled = total > 0 ? Math.round((done / total) * width) : width;
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
        drawn = true;
      } else if (Date.now() - lastPlain > 5000 || done === total) {
        lastPlain = Date.now();
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}

export function seconds(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}

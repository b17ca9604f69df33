// The PostgreSQL server bench/scale-out measures against, and what it costs: the server WIREFOLD_TEST_POSTGRES names,
// or a throwaway cluster started by .ci/postgres.sh (the script CI uses) and stopped when the bench is done; its CPU
// time read from /proc when it runs on this machine; a fresh database per measured run.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

export interface PostgresServer {
  /** A URL of the server's maintenance database, as a superuser or a role that may CREATE DATABASE. */
  url: string;
  /** Where it came from, for the bench's output. */
  origin: string;
  stop(): Promise<void>;
}

const startTimeoutMs = 300_000; // .ci/postgres.sh may first apt-get install postgresql

/**
 * The server to measure against: WIREFOLD_TEST_POSTGRES when set, else a cluster that .ci/postgres.sh starts in a
 * bash child which holds it until stop() closes its stdin (the script's EXIT trap then stops and deletes it, also
 * when this process dies and the pipe closes). Resolves { skip } with a one-line reason when no server answers.
 */
export async function obtainPostgres(repoRoot: string): Promise<PostgresServer | { skip: string }> {
  const given = process.env['WIREFOLD_TEST_POSTGRES'];
  if (given) {
    const problem = await unreachable(given);
    return problem ? { skip: `WIREFOLD_TEST_POSTGRES does not answer: ${problem}` } : { url: given, origin: 'WIREFOLD_TEST_POSTGRES', stop: async () => {} };
  }
  const shell = spawn('bash', ['-c', 'source .ci/postgres.sh >&2 && echo "$WIREFOLD_TEST_POSTGRES" && read -r _'],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  shell.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  const exited = new Promise<void>((resolve) => shell.once('exit', () => resolve()));
  const stop = async () => {
    shell.stdin.end();
    await exited;
  };
  const url = await new Promise<string | null>((resolve) => {
    let stdout = '';
    const timer = setTimeout(() => resolve(null), startTimeoutMs);
    shell.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.split('\n')[0]!.trim());
      }
    });
    shell.once('exit', () => resolve(null));
  });
  const lastLine = stderr.trim().split('\n').at(-1) ?? '';
  if (!url) {
    await stop();
    return { skip: `no PostgreSQL could be started with .ci/postgres.sh${lastLine ? ` (${lastLine})` : ''}` };
  }
  const problem = await unreachable(url);
  if (problem) {
    await stop();
    return { skip: `the PostgreSQL started by .ci/postgres.sh does not answer: ${problem}` };
  }
  return { url, origin: `.ci/postgres.sh (${lastLine.replace(/^ci: /, '')}, fsync=off)`, stop };
}

async function unreachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof AggregateError ? error.errors.map((inner: Error) => inner.message).join('; ') : (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL of database `name` on the server at `url` (same user, host and options). */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * The server's CPU time, read from /proc: the postmaster's own and its reaped children's (utime + stime + cutime +
 * cstime), plus its live children's (backends, autovacuum, WAL writer, checkpointer). A backend that exits moves its
 * time into the postmaster's cutime/cstime, so a difference of two readings counts every process of the window once.
 * null when the server is not a process of this machine (another host, another PID namespace).
 */
export class ServerCpu {
  readonly #postmaster: number;
  readonly #ticksPerSecond: number;

  private constructor(postmaster: number, ticksPerSecond: number) {
    this.#postmaster = postmaster;
    this.#ticksPerSecond = ticksPerSecond;
  }

  /** Finds the postmaster as the parent of a backend of ours (pg_backend_pid); null when /proc does not show it. */
  static async of(client: pg.Client): Promise<ServerCpu | null> {
    const backend = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    const stat = procStat(backend);
    if (!stat || stat.command !== 'postgres') return null;
    return new ServerCpu(stat.parent, clockTicks());
  }

  /** CPU seconds so far (user + system) of the server's processes; see the class comment. */
  seconds(): number {
    const own = procStat(this.#postmaster);
    if (!own) return NaN;
    let ticks = own.utime + own.stime + own.cutime + own.cstime;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = procStat(Number(entry));
      if (stat?.parent === this.#postmaster) ticks += stat.utime + stat.stime + stat.cutime + stat.cstime;
    }
    return ticks / this.#ticksPerSecond;
  }
}

interface ProcStat { command: string; parent: number; utime: number; stime: number; cutime: number; cstime: number }

/** Fields of /proc/PID/stat (proc(5)); null for a process gone or unreadable. */
function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command sits in parentheses and may itself hold spaces or parentheses: the fields start after the last ')'.
  const close = text.lastIndexOf(')');
  const command = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5): ppid is field 4, utime..cstime fields 14..17.
  const at = (field: number) => Number(fields[field - 3]);
  return { command, parent: at(4), utime: at(14), stime: at(15), cutime: at(16), cstime: at(17) };
}

/** Clock ticks per second (sysconf _SC_CLK_TCK), the unit of /proc's CPU times; 100 on Linux unless told otherwise. */
function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** Busy and total CPU time of the whole machine so far (/proc/stat's first line, in ticks): how busy it was. */
export function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const numbers = values.map(Number);
  const total = numbers.slice(0, 8).reduce((sum, value) => sum + value, 0); // user..steal; guest is inside user
  const idle = numbers[3]! + numbers[4]!; // idle + iowait
  return { busy: total - idle, total };
}

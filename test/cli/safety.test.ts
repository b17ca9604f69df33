// Wirefold never loses or wrecks what a user has: the cases seen on a real machine, each run through the real command
// (real files, real processes, real signals).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, runWirefold, runWirefoldBeside, tempFolder } from '../helpers.ts';
import { listenOnLoopback } from '../ingest/loopback.ts';
import { startRun } from '../../src/store/runs.ts';
import { acquireWriterLock } from '../../src/store/writer-lock.ts';
import { writeSiteMarker } from '../../src/site/site-marker.ts';
import { openStore } from '../../src/store/store.ts';
import { markAsDemoStore } from '../../src/store/demo-marker.ts';

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A store with one feed, made the way a user makes one. */
function storeWithFeed(folder: string, url = 'http://127.0.0.1:9/feed.xml'): string {
  const db = join(folder, 'store.db');
  expect(runWirefold(['feeds', 'add', url, '--db', db]).status).toBe(0);
  return db;
}

describe('what wirefold may delete', () => {
  it('demo refuses a store it did not make, named by --db or by WIREFOLD_DB, and leaves it as it was', () => {
    const db = storeWithFeed(tempFolder());
    const before = digest(db);
    const byFlag = runWirefold(['demo', '--db', db, '--out', join(tempFolder(), 'site')]);
    expect(byFlag.status).toBe(1);
    expect(byFlag.stderr).toMatch(/refusing to use .*store\.db for the demo/);
    const byEnvironment = runWirefold(['demo', '--out', join(tempFolder(), 'site')], { env: { WIREFOLD_DB: db } });
    expect(byEnvironment.status).toBe(1);
    expect(digest(db)).toBe(before);
    expect(runWirefold(['feeds', 'list', '--db', db]).stdout).toContain('127.0.0.1:9');
  });

  it('feeds add and import refuse the demo\'s store, which the next demo would wipe', async () => {
    const folder = tempFolder();
    const db = join(folder, 'demo.db');
    const store = await openStore(db);
    await markAsDemoStore(store);
    await store.close();
    const opml = join(folder, 'mine.opml');
    writeFileSync(opml, '<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body><outline type="rss" text="x" xmlUrl="http://127.0.0.1:9/x.xml"/></body></opml>');
    for (const args of [['feeds', 'add', 'http://127.0.0.1:9/feed.xml', '--db', db], ['feeds', 'import', opml, '--db', db]]) {
      const result = runWirefold(args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr.trim(), args.join(' ')).toBe(`wirefold feeds: refusing to add feeds to ${db}: it is the demo's store, which every \`wirefold demo\` deletes and makes anew; name another store with --db`);
    }
    expect(runWirefold(['feeds', 'list', '--json', '--db', db]).stdout.trim()).toBe('[]');
  });

  it('demo refuses an out dir that holds a real site (or anything else), and touches nothing', () => {
    const site = tempFolder();
    writeSiteMarker(site);
    writeFileSync(join(site, 'index.html'), 'the live site');
    const folder = tempFolder();
    const result = runWirefold(['demo', '--db', join(folder, 'demo.db'), '--out', site]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`wirefold demo: refusing to build the demo into ${realpathSync(site)}: it holds a site that is not the demo's; choose an empty or new folder with --out`);
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('the live site');
    expect(existsSync(join(folder, 'demo.db'))).toBe(false);
  });

  it('commands that read a store never create one: a typo in --db is an error, not an empty site', () => {
    const folder = tempFolder();
    const typo = join(folder, 'stor.db');
    const out = join(folder, 'site');
    mkdirSync(out);
    writeFileSync(join(out, 'index.html'), 'the live site');
    for (const command of [['build', '--out', out], ['cluster'], ['embed'], ['ingest'], ['rebuild', '--out', out], ['feeds', 'list'], ['feeds', 'export']]) {
      const result = runWirefold([...command, '--db', typo]);
      expect(result.status, command.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n'), command.join(' ')).toEqual([`wirefold ${command[0]}: no store at ${typo} (start one with \`wirefold feeds import <file.opml>\` or \`wirefold feeds add <url>\`)`]);
      expect(existsSync(typo), command.join(' ')).toBe(false);
    }
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('the live site');
    // The commands that start a store start none when they fail before adding a feed.
    const notOpml = join(folder, 'notes.xml');
    writeFileSync(notOpml, '<notes><note>not a feed list</note></notes>');
    const badImport = runWirefold(['feeds', 'import', notOpml, '--db', typo]);
    expect(badImport.status).toBe(1);
    expect(badImport.stderr.trim().split('\n')).toHaveLength(1);
    expect(runWirefold(['feeds', 'add', 'not-a-url', '--db', typo]).status).toBe(2);
    expect(existsSync(typo), 'feeds import or add that failed').toBe(false);
    const inMissingFolder = join(folder, 'no-such-folder', 'store.db');
    expect(runWirefold(['rebuild', '--db', inMissingFolder]).stderr).toContain(`wirefold rebuild: no store at ${inMissingFolder}`);
    expect(existsSync(join(folder, 'no-such-folder'))).toBe(false);
  });

  it('an empty file given as --db is no store: reading commands refuse it and leave it empty', () => {
    const folder = tempFolder();
    const empty = join(folder, 'empty.db');
    writeFileSync(empty, '');
    const out = join(folder, 'site');
    mkdirSync(out);
    writeFileSync(join(out, 'index.html'), 'the live site');
    for (const command of [['build', '--out', out], ['doctor'], ['feeds', 'list']]) {
      const result = runWirefold([...command, '--db', empty]);
      expect(result.status, command.join(' ')).toBe(1);
      // doctor reports on standard output, as a failed check.
      expect(result.stderr + result.stdout, command.join(' ')).toContain(`no store at ${empty}`);
      expect(statSync(empty).size, command.join(' ')).toBe(0);
    }
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('the live site');
  });

  it('a rebuild in which every feed failed exits 1, says so, and leaves the site as it was', () => {
    const folder = tempFolder();
    const db = storeWithFeed(folder);
    const out = join(folder, 'site');
    // Allowed to reach loopback, so that port 9's refused connection is a network failure, not the policy's refusal.
    const result = runWirefold(['rebuild', '--db', db, '--out', out, '--allow-private-addresses']);
    expect(result.status).toBe(1);
    // The line names what went wrong rather than guessing (a feed answering 404 is no network outage).
    expect(result.stderr).toMatch(/rebuild: stopped after ingest: all 1 feeds failed; the last error: .*connection refused.* \(no site was built\)/);
    expect(existsSync(out)).toBe(false);
    const ingest = runWirefold(['ingest', '--db', db, '--force', '--allow-private-addresses']);
    expect(ingest.status).toBe(1);
    expect(ingest.stderr).toContain('ingest: all 1 feeds failed');
    const doctor = runWirefold(['doctor', '--db', db]);
    expect(doctor.stdout).toMatch(/FAIL\s+last run: ingest at .*, failed: all 1 feeds failed/);
    // The next run finds the feed waiting out its backoff: still an outage, not a good run that builds an empty site.
    const again = runWirefold(['rebuild', '--db', db, '--out', out, '--allow-private-addresses']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/rebuild: stopped after ingest: all 1 feeds are failing since \d{4}-\d{2}-\d{2} \d{2}:\d{2}; the last error: .*connection refused.* \(none due yet: each waits before its next try\) \(no site was built\)/);
    expect(existsSync(out)).toBe(false);
    expect(runWirefold(['doctor', '--db', db]).stdout).toMatch(/FAIL\s+all 1 feeds are failing since .*; the last error: .*connection refused/);
  });

  it('doctor warns of a run that did not finish, without failing for it', async () => {
    const folder = tempFolder();
    const db = storeWithFeed(folder);
    const store = await openStore(db);
    await startRun(store, 'cluster');
    await store.close();
    const doctor = runWirefold(['doctor', '--db', db]);
    expect(doctor.stdout).toMatch(/WARN\s+last run: cluster at .*, did not finish \(running now, or stopped or killed/);
    expect(doctor.stdout).not.toMatch(/^(ok|FAIL)\s+last run/m);
    expect(doctor.status).toBe(0);
  });
});

describe('files that are not ours', () => {
  it('never migrates or switches another program\'s SQLite file named by --db', () => {
    const folder = tempFolder();
    const notes = join(folder, 'notes.db');
    const other = new DatabaseSync(notes);
    other.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
    other.close();
    const before = digest(notes);
    const result = runWirefold(['build', '--db', notes, '--out', join(folder, 'site')]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`wirefold build: ${notes} is not a Wirefold store (it is another program's database); name another file with --db`);
    expect(digest(notes)).toBe(before);
    expect(existsSync(join(folder, 'site'))).toBe(false);
  });

  // SQLite said "unable to open database file" or "attempt to write a readonly database", naming neither.
  it('names a store this user may not read or write, and why, in one line', (context) => {
    if (process.getuid?.() !== 0) context.skip(); // runs the command as another user
    const folder = tempFolder();
    chmodSync(folder, 0o755);
    const db = storeWithFeed(folder);
    const asNobody = (args: string[], store = db) => runWirefold([...args, '--db', store], { user: 65534 });
    // That user must be able to run Wirefold from this checkout at all (a checkout in a private folder, as a fresh
    // clone under mktemp is, is closed to it).
    if (runWirefold(['--version'], { user: 65534 }).status !== 0) context.skip();
    chmodSync(db, 0o600);
    expect(asNobody(['feeds', 'list']).stderr.trim()).toBe(`wirefold feeds: cannot open the store ${db}: permission denied (this user may not read it)`);
    chmodSync(db, 0o644);
    expect(asNobody(['build', '--out', join(folder, 'site')]).stderr.trim()).toBe(
      `wirefold build: cannot lock the store ${db}: cannot write ${db}.lock: permission denied (a run writes its lock file beside the store)`);
    chmodSync(folder, 0o777);
    expect(asNobody(['cluster']).stderr.trim()).toBe(`wirefold cluster: cannot open the store ${db}: permission denied (this user may read it but not write it)`);
    expect(existsSync(join(folder, 'site'))).toBe(false);
    // Reached through a symlink in a folder this user may not write: what counts is the folder of the file itself.
    chmodSync(db, 0o666);
    const links = join(folder, 'links');
    mkdirSync(links, { mode: 0o755 });
    symlinkSync(db, join(links, 'store.db'));
    const linked = asNobody(['cluster'], join(links, 'store.db'));
    expect(linked.status, linked.stderr).toBe(0);
  });

  it('names a --db that is no SQLite file at all, and leaves it as it was', () => {
    const folder = tempFolder();
    const text = join(folder, 'notes.md');
    writeFileSync(text, '# My notes\n\nNothing of Wirefold here, and more than a page of it. '.repeat(200));
    const before = digest(text);
    for (const args of [['build', '--out', join(folder, 'site')], ['feeds', 'add', 'https://news.example/feed.xml'], ['feeds', 'list']]) {
      const result = runWirefold([...args, '--db', text]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`wirefold ${args[0]}: ${text} is not a Wirefold store (not a SQLite database); name another file with --db`);
    }
    expect(digest(text)).toBe(before);
    expect(existsSync(join(folder, 'site'))).toBe(false);
  });

  it('feeds export writes a new file or over its earlier export, and refuses to overwrite anything else', () => {
    const folder = tempFolder();
    const db = storeWithFeed(folder);
    const before = digest(db);
    const overStore = runWirefold(['feeds', 'export', db, '--db', db]);
    expect(overStore.status).toBe(1);
    expect(overStore.stderr.trim()).toBe(`wirefold feeds: refusing to overwrite ${db}: it is not a file wirefold feeds export wrote; choose a new file`);
    expect(digest(db)).toBe(before);
    // Another reader's subscription list is OPML too, and the user's own.
    const theirs = join(folder, 'my-reader.opml');
    copyFileSync(join(repoRoot, 'content', 'feeds.opml'), theirs);
    const theirsBefore = digest(theirs);
    expect(runWirefold(['feeds', 'export', theirs, '--db', db]).stderr.trim()).toBe(
      `wirefold feeds: refusing to overwrite ${theirs}: it is not a file wirefold feeds export wrote; choose a new file`);
    expect(digest(theirs)).toBe(theirsBefore);
    const exported = join(folder, 'feeds.opml');
    expect(runWirefold(['feeds', 'export', exported, '--db', db]).status).toBe(0);
    expect(runWirefold(['feeds', 'export', exported, '--db', db]).status).toBe(0);
    expect(readFileSync(exported, 'utf8')).toContain('127.0.0.1:9');
    expect(runWirefold(['feeds', 'export', folder, '--db', db]).stderr.trim()).toBe(`wirefold feeds: cannot export to ${folder}: it is a folder`);
  });
});

describe('one writer per store', () => {
  it('a second run exits 75 and names the run that holds the store; a lock left by a dead process is taken over', () => {
    const db = storeWithFeed(tempFolder());
    const lock = acquireWriterLock(db, 'test');
    try {
      const second = runWirefold(['cluster', '--db', db]);
      expect(second.status).toBe(75);
      expect(second.stderr.trim()).toBe(`wirefold cluster: another wirefold run (pid ${process.pid}, test, started ${JSON.parse(readFileSync(`${db}.lock`, 'utf8')).startedAt}) holds ${db}`);
    } finally {
      lock.release();
    }
    expect(existsSync(`${db}.lock`)).toBe(false);
    // Another name for the same file is the same store, with the same lock.
    const alias = join(dirname(db), 'alias.db');
    symlinkSync(db, alias);
    const held = acquireWriterLock(db, 'test');
    try {
      expect(runWirefold(['cluster', '--db', alias]).status).toBe(75);
    } finally {
      held.release();
    }
    // A run killed with SIGKILL leaves its lock behind; its pid is gone, so the next run goes ahead.
    const dead = spawnDeadPid();
    writeFileSync(`${db}.lock`, JSON.stringify({ pid: dead, startedAt: '2026-01-01T00:00:00.000Z', host: hostname(), command: 'rebuild' }));
    const next = runWirefold(['cluster', '--db', db]);
    expect(next.stderr).not.toContain('another wirefold run');
    expect(next.status).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});

describe('signals', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`watch stops within 2 s on ${signal}, mid-round and asleep, with one "stopped" line and exit ${code}`, async () => {
      // A feed that never answers keeps the round busy in ingest; once it answers (404), the round ends and watch sleeps.
      let answer = false;
      const server = createServer((_request, response) => {
        if (answer) response.writeHead(404).end();
      });
      const { base } = await listenOnLoopback(server);
      try {
        const folder = tempFolder();
        const db = storeWithFeed(folder, `${base}/slow.xml`);
        for (const phase of ['mid-round', 'asleep']) {
          const child = spawn(process.execPath, [join(repoRoot, 'scripts/wirefold.mjs'), 'watch', '--every', '1h', '--allow-private-addresses', '--db', db, '--out', join(folder, 'site')],
            { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
          let output = '';
          child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
          child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
          const exited = new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
          try {
            if (phase === 'mid-round') await until(() => existsSync(`${db}.lock`));
            else {
              answer = true;
              await until(() => output.includes('watch: next round at'));
            }
          } catch (error) {
            child.kill('SIGKILL'); // a watch left behind would run for an hour
            throw error;
          }
          const sent = performance.now();
          child.kill(signal);
          expect(await exited, `${phase}: ${output}`).toBe(code);
          expect(performance.now() - sent, phase).toBeLessThan(2000);
          expect(output, phase).toContain(`wirefold watch: stopped (${signal})`);
          expect(existsSync(`${db}.lock`), phase).toBe(false);
        }
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  }
});

describe('bad input', () => {
  it('refuses bad values and extra arguments with exit 2 and one line of reason', () => {
    for (const args of [['serve', '--port', 'abc'], ['serve', '--port', '99999'], ['ingest', 'extra'], ['build', 'now', '--db', 'x.db'], ['serve', '--model', 'm'],
      ['build', '--site-url', 'notaurl'], ['build', '--out=~/site'], ['build', '--bogus'], ['build', '--db', 'mysql://u@127.0.0.1/news'],
      ['build', '--images', 'sometimes'], ['feeds', 'list', '--db', 'sqlite:']]) {
      const result = runWirefold(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0], args.join(' ')).toMatch(new RegExp(`^wirefold ${args[0]}: `));
    }
    expect(runWirefold(['build', '--bogus']).stderr.split('\n')[0]).toBe('wirefold build: unknown option --bogus');
    expect(runWirefold(['build', '--images', 'sometimes']).stderr.split('\n')[0]).toBe('wirefold build: --images must be local, hotlink, off, not sometimes');
    expect(existsSync(join(repoRoot, '~'))).toBe(false);
    expect(existsSync(join(repoRoot, 'mysql:'))).toBe(false);
  });

  it('refuses to write the model among a user\'s files, and prints its version', () => {
    const folder = tempFolder();
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const model = runWirefold(['model', 'build', '--out-model', folder]);
    expect(model.status).toBe(1);
    expect(model.stderr.trim()).toBe(`wirefold model: refusing to write the model into ${folder}: it is not empty and holds no USE-lite model of ours; choose an empty or new folder`);
    expect(readdirSync(folder)).toEqual(['notes.txt']);
    // Another model (any Transformers.js model has config.json and onnx/) is not ours to overwrite.
    const other = tempFolder();
    mkdirSync(join(other, 'onnx'));
    writeFileSync(join(other, 'config.json'), '{"model_type":"bert"}');
    writeFileSync(join(other, 'onnx', 'model.onnx'), 'their weights');
    expect(runWirefold(['model', 'build', '--out-model', other]).stderr.trim()).toBe(
      `wirefold model: refusing to write the model into ${other}: it is not empty and holds no USE-lite model of ours; choose an empty or new folder`);
    expect(readFileSync(join(other, 'onnx', 'model.onnx'), 'utf8')).toBe('their weights');
    expect(runWirefold(['--version']).stdout).toMatch(/^wirefold \d+\.\d+\.\d+\n$/);
  });

  it('serve refuses a port that is taken rather than moving to another one', async () => {
    const busy = createServer();
    const { port } = await listenOnLoopback(busy);
    try {
      const site = tempFolder();
      writeFileSync(join(site, 'index.html'), '<!doctype html><title>x</title>');
      const result = await runWirefoldBeside(['serve', '--out', site, '--port', String(port)]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`wirefold serve: Port ${port} is already in use`);
    } finally {
      busy.close();
    }
  });

  it('says in one line why a named file cannot be read: missing, or a folder', () => {
    const folder = tempFolder();
    for (const args of [['eval', join(folder, 'none.jsonl')], ['eval', folder], ['feeds', 'import', join(folder, 'none.opml'), '--db', join(folder, 's.db')], ['feeds', 'import', folder, '--db', join(folder, 's.db')]]) {
      const result = runWirefold(args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(/cannot read .*: (no such file|it is a folder, not a file)/);
    }
    expect(existsSync(join(folder, 's.db'))).toBe(false);
  });

  // A file whose only line was {} scored 1.000 everywhere: read as one article with the label "undefined".
  it('eval refuses a line that is no labelled article, naming the file and line', () => {
    const folder = tempFolder();
    const cases: [string, string][] = [['{}', 'no id, label'], ['{"id": 1, "title": "Quake", "label": ""}', 'no label'], ['{"title": "Quake", "label": "q"}', 'no id'], ['[1, 2]', 'not a JSON object'], ['null', 'not a JSON object']];
    for (const [line, why] of cases) {
      const file = join(folder, 'set.jsonl');
      writeFileSync(file, `{"id": "a", "title": "Quake hits coast", "text": "", "label": "q"}\n${line}\n`);
      const result = runWirefold(['eval', file]);
      expect({ status: result.status, stderr: result.stderr.trim().split(' (each line')[0] }, line).toEqual({ status: 1, stderr: `wirefold eval: ${file}:2: ${why}` });
    }
  });

  it('takes options before the command, and each command\'s --help lists only its own options', () => {
    const db = storeWithFeed(tempFolder());
    const list = runWirefold(['--db', db, 'feeds', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('127.0.0.1:9');
    const serve = runWirefold(['serve', '--help']).stdout;
    expect(serve).toContain('--out');
    expect(serve).not.toContain('--model');
    expect(serve).not.toContain('--force');
    expect(runWirefold(['ingest', '--help']).stdout).not.toContain('--out');
  });
});

/** Polls until the condition holds (at most 30 s). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of a process that has already exited. */
function spawnDeadPid(): number {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  return pid;
}

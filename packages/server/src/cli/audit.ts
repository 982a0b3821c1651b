import { migrateToLatest, openStore } from '../platform/db/database';
import { runAudit } from '../incentives/audit';

/** Exit 0 when the replayed event log matches the stored ledger, positions and pool to the fen; 1 with the list otherwise. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: mall audit\n\nReplays the incentive event log of DATABASE_URL through the engine and compares with stored balances, pool and positions.\n',
    );
    return 0;
  }
  const store = openStore(process.env.DATABASE_URL);
  try {
    await migrateToLatest(store.db, store.schema);
    const report = await runAudit(store.db);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (!report.ok) {
      process.stderr.write(`audit: ${report.differences.length} difference(s)\n`);
      return 1;
    }
    return 0;
  } finally {
    await store.close();
  }
}

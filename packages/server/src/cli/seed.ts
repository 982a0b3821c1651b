import { migrateToLatest, openStore } from '../platform/db/database';
import { seedDemo } from '../demo/seed';
import { assertCurrentEventLog, ensureLockRow, Sequencer } from '../incentives/incentive-log';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: mall seed\n\nMigrates and writes the demo catalog, campaigns and staff once (MALL_ADMIN_PASSWORD sets the staff password).\n',
    );
    return 0;
  }
  const store = openStore(process.env.DATABASE_URL);
  try {
    await migrateToLatest(store.db, store.schema);
    await assertCurrentEventLog(store.db);
    await ensureLockRow(store.db);
    const result = await seedDemo(store.db, new Sequencer(store.db), process.env.MALL_ADMIN_PASSWORD || undefined);
    process.stdout.write(
      `${result.seededNow ? 'seeded' : 'already seeded'}: admin / ${result.adminPassword ?? '(the MALL_ADMIN_PASSWORD set earlier)'}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

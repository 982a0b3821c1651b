import { migrateToLatest, openStore } from '../platform/db/database';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: mall migrate\n\nApplies pending migrations to DATABASE_URL (default sqlite:./data/mall.db).\n',
    );
    return 0;
  }
  const store = openStore(process.env.DATABASE_URL);
  try {
    const applied = await migrateToLatest(store.db, store.schema);
    process.stdout.write(
      applied.length === 0 ? `${store.where}: up to date\n` : `${store.where}: applied ${applied.join(', ')}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

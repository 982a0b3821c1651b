import { runRestore } from './backup';

export function run(argv: string[]): Promise<number> {
  return runRestore(argv);
}

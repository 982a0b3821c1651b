// Worker threads do not inherit the main thread's tsx hooks: register them here, then load the TypeScript job.
import { register } from 'tsx/esm/api';

register();
await import('./simulation-job.ts');

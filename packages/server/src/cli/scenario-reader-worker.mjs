// Worker threads do not inherit the main thread's tsx hooks: register them here, then load the TypeScript reader.
// The build (scripts/build-cli.mjs) writes its own file of this name that loads the built reader instead.
import { register } from 'tsx/esm/api';

register();
await import('./scenario-reader.ts');

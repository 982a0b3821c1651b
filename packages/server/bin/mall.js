#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx so `npx mall` works right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

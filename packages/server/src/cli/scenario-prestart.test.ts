import { describe, expect, it } from 'vitest';
import { plainScenarioFile } from './scenario-prestart';

describe('plainScenarioFile', () => {
  it('names the file of a plain --scenario FILE run, with or without --exit-detection', () => {
    expect(plainScenarioFile(['--scenario', 'a.json'])).toBe('a.json');
    expect(plainScenarioFile(['--scenario=a.json'])).toBe('a.json');
    expect(plainScenarioFile(['--exit-detection', 'scan', '--scenario', 'a.json'])).toBe('a.json');
    expect(plainScenarioFile(['--scenario', 'a.json', '--exit-detection=index'])).toBe('a.json');
  });

  it('starts no reader for standard input, summaries, generated scenarios, help or anything unexpected', () => {
    for (const argv of [
      ['--scenario', '-'],
      ['--scenario', 'a.json', '--summary'],
      ['--generate', '--orders', '10'],
      ['--scenario', 'a.json', '--help'],
      ['--scenario'],
      ['--scenario', '--summary'],
      ['a.json'],
      [],
    ]) {
      expect(plainScenarioFile(argv), argv.join(' ')).toBeUndefined();
    }
  });
});

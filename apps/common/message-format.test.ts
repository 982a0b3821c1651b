import { describe, expect, it } from 'vitest';
import { parseMessage } from './message-format';

/** What our message compiler supports, and that it refuses the rest by name (each app's i18n test compares every
 * message against vue-i18n's own compiler). */
describe('message compiler', () => {
  it('splits text and placeholders', () => {
    expect(parseMessage('再消费 {amount} 升级为 {level}')).toEqual([
      '再消费 ',
      { named: 'amount' },
      ' 升级为 ',
      { named: 'level' },
    ]);
    expect(parseMessage('{0} of { n }')).toEqual([{ list: 0 }, ' of ', { named: 'n' }]);
    expect(parseMessage('plain')).toEqual(['plain']);
  });

  it('refuses plural, linked and literal syntax, naming the message', () => {
    expect(() => parseMessage('one apple | {n} apples')).toThrow(/one apple/);
    expect(() => parseMessage('see @:app.name')).toThrow(/not supported/);
    expect(() => parseMessage("mail {'@'} us")).toThrow(/placeholder/);
    expect(() => parseMessage('open { brace')).toThrow(/not supported/);
  });
});

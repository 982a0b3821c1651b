import { describe, expect, it } from 'vitest';
import { buy, join, refusal, result, rewardRows } from '../scenario.test-helper';

// Defaults provinceBps 100, cityBps 200, districtBps 300; share(100000, t) = 1000, 2000, 3000.
const plans = { regionalAgent: {} };
const appoint = (user: string, region: string[]) => ({ type: 'appoint', user, region });
const dismiss = (user: string, region: string[]) => ({ type: 'dismiss', user, region });
const users = ['A', 'B', 'C', 'D', 'E'].map((u) => join(u));
const NS = ['GD', 'SZ', 'NS'];

describe('regional agent (SPEC 3.5)', () => {
  it('pays each tier of the shipping region to its agents, splitting a tier equally in appointment order', () => {
    const doc = {
      plans,
      events: [
        ...users,
        appoint('A', ['GD']),
        appoint('C', ['GD', 'SZ']),
        appoint('B', ['GD', 'SZ']),
        appoint('D', NS),
        buy('E', 'e1', 100000, { region: NS }),
      ],
    };
    // province 1000 to A; city 2000 / 2 = 1000 to C then B (appointment order); district 3000 to D
    expect(rewardRows(doc)).toEqual([
      ['regionalAgent', 'A', 'e1', 1000],
      ['regionalAgent', 'C', 'e1', 1000],
      ['regionalAgent', 'B', 'e1', 1000],
      ['regionalAgent', 'D', 'e1', 3000],
    ]);
  });

  it('leaves the remainder of an unequal split with the platform', () => {
    // 2000 / 3 = 666 each; 2 fen stay with the platform
    const doc = {
      plans,
      events: [
        ...users,
        appoint('A', ['GD', 'SZ']),
        appoint('B', ['GD', 'SZ']),
        appoint('C', ['GD', 'SZ']),
        buy('E', 'e1', 100000, { region: NS }),
      ],
    };
    expect(result(doc).wallets).toEqual({ A: 666, B: 666, C: 666 });
  });

  it('pays only the tiers the order’s region has, only for that region, and no agent without a region', () => {
    const events = [...users, appoint('A', ['GD']), appoint('B', ['GD', 'SZ']), appoint('C', NS)];
    expect(rewardRows({ plans, events: [...events, buy('E', 'e1', 100000, { region: ['GD', 'SZ'] })] })).toEqual([
      ['regionalAgent', 'A', 'e1', 1000],
      ['regionalAgent', 'B', 'e1', 2000],
    ]);
    expect(rewardRows({ plans, events: [...events, buy('E', 'e1', 100000, { region: ['GD', 'GZ', 'NS'] })] })).toEqual([
      ['regionalAgent', 'A', 'e1', 1000],
    ]);
    expect(rewardRows({ plans, events: [...events, buy('E', 'e1', 100000)] })).toEqual([]);
  });

  it('puts a dismissed and re-appointed agent at the end, pays one person once per tier, and pays a buyer as their own agent', () => {
    const doc = {
      plans,
      events: [
        ...users,
        appoint('B', ['GD', 'SZ']),
        appoint('C', ['GD', 'SZ']),
        dismiss('B', ['GD', 'SZ']),
        appoint('B', ['GD', 'SZ']),
        appoint('E', ['GD']),
        appoint('E', NS),
        buy('E', 'e1', 100000, { region: NS }),
      ],
    };
    expect(rewardRows(doc)).toEqual([
      ['regionalAgent', 'E', 'e1', 1000],
      ['regionalAgent', 'C', 'e1', 1000],
      ['regionalAgent', 'B', 'e1', 1000],
      ['regionalAgent', 'E', 'e1', 3000],
    ]);
  });

  it('keeps region paths apart whatever characters their names hold', () => {
    const doc = {
      plans,
      events: [
        ...users,
        appoint('A', ['a\u0000b']),
        appoint('B', ['a:1', 'b']),
        buy('E', 'e1', 100000, { region: ['a', 'b'] }),
      ],
    };
    expect(rewardRows(doc)).toEqual([]);
  });

  it('checks appointments even when the plan is off, and refuses bad regions, naming the event', () => {
    expect(
      result({ plans: {}, events: [...users, appoint('A', ['GD']), buy('B', 'b1', 100, { region: ['GD'] })] }).rewards,
    ).toEqual([]);
    const twice = refusal({ plans: {}, events: [...users, appoint('A', ['GD']), appoint('A', ['GD'])] });
    expect([twice.index, twice.code]).toEqual([6, 'agent_exists']);
    const notAgent = refusal({ plans, events: [...users, dismiss('A', ['GD'])] });
    expect([notAgent.index, notAgent.code]).toEqual([5, 'agent_not_appointed']);
    for (const region of [[], ['a', 'b', 'c', 'd'], ['a', ''], 'GD', [1]]) {
      const bad = refusal({ plans, events: [...users, buy('A', 'a1', 100, { region })] });
      expect([bad.index, bad.code]).toEqual([5, 'invalid_event']);
      expect(bad.message).toMatch(/region/);
    }
  });
});

import { RestartBudget } from './restart-budget.js';

describe('RestartBudget', () => {
  it.each([
    // restarts at these times (ms) → which are allowed, with max 3 per 10 s
    [[0, 1000, 2000, 3000], [true, true, true, false]],
    [[0, 1000, 2000, 10_000], [true, true, true, true]], // the first one left the window
    [[0, 1000, 2000, 9_999, 10_000, 11_000], [true, true, true, false, true, true]],
    [[0, 0, 0, 0], [true, true, true, false]],
  ])('at %j allows %j', (times, allowed) => {
    const b = new RestartBudget({ max: 3, windowMs: 10_000 });
    expect(times.map((t) => b.take(t))).toEqual(allowed);
  });

  it('does not count refused attempts', () => {
    const b = new RestartBudget({ max: 1, windowMs: 10_000 });
    expect([b.take(0), b.take(5000), b.take(9000), b.take(10_000)]).toEqual([true, false, false, true]);
  });
});

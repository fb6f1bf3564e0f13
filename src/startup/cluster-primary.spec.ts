import { backgroundSlots } from './cluster-primary.js';

describe('backgroundSlots', () => {
  it.each([
    [1, true, [true]],
    [4, true, [true, false, false, false]],
    [3, false, [false, false, false]],
  ])('%i workers, BACKGROUND_JOBS=%s → %j', (n, bg, slots) => expect(backgroundSlots(n, bg)).toEqual(slots));
});

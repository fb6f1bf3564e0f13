import { dimensionProblem, MAX_ASPECT, MIN_SIDE, orientedSize, planSizes } from './size-plan.js';

describe('planSizes (320/640/1280 wide, never upscaled)', () => {
  it.each([
    // [original width, height, distinct renditions, width serving "320", "640", "1280"]
    [4032, 3024, [[320, 240], [640, 480], [1280, 960]], [320, 640, 1280]],
    [3024, 4032, [[320, 427], [640, 853], [1280, 1707]], [320, 640, 1280]],
    [1280, 720, [[320, 180], [640, 360], [1280, 720]], [320, 640, 1280]],
    [900, 600, [[320, 213], [640, 427], [900, 600]], [320, 640, 900]],
    [640, 640, [[320, 320], [640, 640]], [320, 640, 640]],
    [500, 400, [[320, 256], [500, 400]], [320, 500, 500]],
    [320, 200, [[320, 200]], [320, 320, 320]],
    [200, 150, [[200, 150]], [200, 200, 200]],
    [5000, 1000, [[320, 64], [640, 128], [1280, 256]], [320, 640, 1280]],
  ])('%i×%i', (w, h, renditions, [s320, s640, s1280]) => {
    const plan = planSizes(w, h);
    expect(plan.renditions.map((r) => [r.width, r.height])).toEqual(renditions);
    expect(plan.sizes).toEqual({ '320': s320, '640': s640, '1280': s1280 });
    // every size name points at a planned file
    for (const v of Object.values(plan.sizes)) expect(plan.renditions.map((r) => r.width)).toContain(v);
  });

  it.each([[0, 10], [10, 0], [-1, 5], [1.5, 10], [NaN, 10]])('refuses a nonsense size %p×%p', (w, h) => {
    expect(() => planSizes(w, h)).toThrow(RangeError);
  });
});

describe('dimensionProblem', () => {
  const limits = { maxPixels: 50_000_000 };
  it.each([
    [4032, 3024, null],
    [8064, 6048, null], // 48 MP iPhone photo
    [MIN_SIDE, MIN_SIDE, null],
    [MIN_SIDE * MAX_ASPECT, MIN_SIDE, null],
  ])('accepts %i×%i', (w, h, expected) => {
    expect(dimensionProblem(w, h, limits)).toBe(expected);
  });

  it.each([
    [10000, 5001, /10000×5001 = 50,010,000 pixels; at most 50,000,000/],
    [65535, 65535, /pixels; at most/], // a decompression bomb's claim
    [99, 400, /each side must be at least 100/],
    [400, 99, /each side must be at least 100/],
    [1, 1, /each side must be at least 100/],
    [501, 100, /at most 5 times the short one/],
    [100, 600, /at most 5 times the short one/],
  ])('refuses %i×%i', (w, h, message) => {
    expect(dimensionProblem(w, h, limits)).toMatch(message);
  });
});

describe('orientedSize (EXIF orientation)', () => {
  it.each([
    [undefined, [400, 300]],
    [1, [400, 300]],
    [2, [400, 300]],
    [3, [400, 300]],
    [4, [400, 300]],
    [5, [300, 400]],
    [6, [300, 400]],
    [7, [300, 400]],
    [8, [300, 400]],
  ])('orientation %p', (o, [w, h]) => {
    expect(orientedSize(400, 300, o)).toEqual({ width: w, height: h });
  });
});

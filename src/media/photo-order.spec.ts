import { orderProblems } from './photo-order.js';

const A = '0b9c6a2e-2f0e-4f7c-9d57-0f4d2c9e1a10';
const B = '5d1f0e3a-8c4b-4a51-b2f1-7e3a9b6c2d40';
const C = 'c3a1d7e2-4b5f-4e6a-9c8d-1f2e3d4c5b6a';
const X = '00000000-0000-4000-8000-000000000000';

describe('orderProblems (every photo of the product exactly once)', () => {
  it.each([
    ['the same order', [A, B, C]],
    ['a permutation', [C, A, B]],
    ['upper-case ids', [B.toUpperCase(), A, C]],
  ])('accepts %s', (_n, order) => {
    expect(orderProblems([A, B, C], order)).toEqual([]);
  });

  it('accepts an empty order for a product without photos', () => {
    expect(orderProblems([], [])).toEqual([]);
  });

  it.each([
    ['one missing', [A, B], [`must list every photo of the product exactly once; missing: ${C}`]],
    ['one unknown', [A, B, C, X], [`names photos this product does not have: ${X}`]],
    ['one repeated', [A, B, C, A], [`names a photo more than once: ${A}`]],
    ['repeated in another case', [A, B, C, A.toUpperCase()], [`names a photo more than once: ${A.toUpperCase()}`]],
    ['all wrong at once', [X, X], [`must list every photo of the product exactly once; missing: ${A}, ${B}, ${C}`, `names photos this product does not have: ${X}, ${X}`, `names a photo more than once: ${X}`]],
  ])('refuses %s, on the field "order"', (_n, order, problems) => {
    expect(orderProblems([A, B, C], order)).toEqual(problems.map((problem) => ({ field: 'order', problem })));
  });
});

/**
 * Limits of a product's fields. Pure (no NestJS, no I/O): the DTOs validate with them and the
 * seller center's form checks the same rules in the browser before sending.
 */
export const MAX_IMAGES = 10;
export const MAX_STOCK = 1_000_000_000;
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
/** [min, max] characters after trimming. */
export const TEXT_LIMITS = {
  name: [2, 200],
  description: [0, 5000],
  unit: [1, 50],
  certificateNo: [1, 100],
  decisionNo: [1, 100],
} as const;

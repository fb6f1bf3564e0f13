import { Conflict, type FieldProblem, NotFound } from '../common/errors.js';

/** 404 for a product; `field` (e.g. `items.2.productId`) names where the id came from. */
export class ProductNotFound extends NotFound {
  constructor(id: string, field?: string) {
    super('Product', id);
    if (field) (this as { details?: FieldProblem[] }).details = [{ field, problem: `no product with id ${id}` }];
  }
}

/** 409 `out_of_stock`: fewer units left than asked for. */
export class OutOfStock extends Conflict {
  constructor(
    readonly productId: string,
    readonly available: number,
    field: string,
  ) {
    super(`Product ${productId} is out of stock (${available} left)`, 'out_of_stock', [
      { field, problem: available > 0 ? `only ${available} left in stock` : 'out of stock' },
    ]);
  }
}

/** 409 `not_purchasable`: archived, or its OCOP certificate has expired. */
export class NotPurchasable extends Conflict {
  constructor(
    readonly productId: string,
    reason: string,
    field: string,
  ) {
    super(`Product ${productId} cannot be bought: ${reason}`, 'not_purchasable', [{ field, problem: reason }]);
  }
}

/** 409 `product_archived`: archived products are frozen (still readable by id). */
export class ProductArchived extends Conflict {
  constructor(id: string) {
    super(`Product ${id} is archived and can no longer be changed`, 'product_archived');
  }
}

/**
 * What the storefront keeps in the browser (localStorage): the cart, and the buyer's orders with
 * their access tokens (so the buyer can come back to an order's payment page).
 */
export interface CartLine {
  productId: string;
  qty: number;
  /** Snapshot for display; the cart page refreshes it from the API. */
  name: string;
  priceVnd: number;
  unit: string;
  cooperativeId: string;
  cooperativeName: string;
}

export interface SavedOrder {
  id: string;
  code: string;
  checkoutId: string;
  token: string;
  totalVnd: number;
  cooperativeName: string;
  createdAt: string;
}

const CART = 'ocop.cart.v1';
const ORDERS = 'ocop.orders.v1';
const MAX_QTY = 1000;

function read<T>(key: string, fallback: T): T {
  try {
    const v = localStorage.getItem(key);
    return v ? (JSON.parse(v) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled: the page still works for this visit */
  }
  window.dispatchEvent(new Event('ocop:store'));
}

export const cart = {
  lines(): CartLine[] {
    const lines = read<CartLine[]>(CART, []);
    return Array.isArray(lines) ? lines.filter((l) => l && typeof l.productId === 'string' && Number.isInteger(l.qty) && l.qty > 0) : [];
  },
  count(): number {
    return this.lines().reduce((n, l) => n + l.qty, 0);
  },
  add(line: Omit<CartLine, 'qty'>, qty: number): void {
    const lines = this.lines();
    const found = lines.find((l) => l.productId === line.productId);
    if (found) Object.assign(found, line, { qty: Math.min(MAX_QTY, found.qty + qty) });
    else lines.push({ ...line, qty: Math.min(MAX_QTY, qty) });
    write(CART, lines);
  },
  setQty(productId: string, qty: number): void {
    write(
      CART,
      this.lines().map((l) => (l.productId === productId ? { ...l, qty: Math.max(1, Math.min(MAX_QTY, qty)) } : l)),
    );
  },
  update(productId: string, patch: Partial<CartLine>): void {
    write(CART, this.lines().map((l) => (l.productId === productId ? { ...l, ...patch } : l)));
  },
  remove(productId: string): void {
    write(CART, this.lines().filter((l) => l.productId !== productId));
  },
  clear(): void {
    write(CART, []);
  },
};

export const orders = {
  all(): SavedOrder[] {
    const v = read<SavedOrder[]>(ORDERS, []);
    return Array.isArray(v) ? v : [];
  },
  get(id: string): SavedOrder | undefined {
    return this.all().find((o) => o.id === id);
  },
  save(list: SavedOrder[]): void {
    const ids = new Set(list.map((o) => o.id));
    // newest first, at most 50 remembered
    write(ORDERS, [...list, ...this.all().filter((o) => !ids.has(o.id))].slice(0, 50));
  },
};

/** The API shapes the storefront reads (see the OpenAPI document at /docs). */

/** A processed photo: WebP at 320, 640 and 1280 px wide (SPEC "Catalog": photos). */
export interface Photo {
  id: string;
  sizes: Record<string, string>;
  /** Pixel size of the largest rendition, when the server gives it (the aspect ratio of every size). */
  width?: number;
  height?: number;
}

export interface Product {
  id: string;
  cooperativeId: string;
  cooperative: { id: string; name: string; provinceCode: string; provinceName: string };
  name: string;
  description: string;
  priceVnd: number;
  unit: string;
  stockQty: number;
  images: string[];
  /** Ready photos in order (absent on servers without the photo API). */
  photos?: Photo[];
  ocop: { group: string; stars: number; level: string; certificateNo: string; decisionNo: string | null; certifiedAt: string; expiresAt: string };
  status: string;
  purchasable: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Province {
  code: string;
  name: string;
  fullName: string;
}

export interface Commune {
  code: string;
  name: string;
  fullName: string;
}

export interface Order {
  id: string;
  code: string;
  checkoutId: string;
  cooperativeId: string;
  cooperativeName: string;
  items: Array<{ productId: string; name: string; unit: string; priceVnd: number; qty: number; lineTotalVnd: number }>;
  totalVnd: number;
  status: string;
  buyer: { name: string; phone: string; email: string | null; address: { provinceCode: string; communeCode: string; line: string } };
  payment: {
    method: string;
    status: string;
    amountVnd: number;
    receivedVnd: number;
    expiresAt: string;
    reference?: string;
    bank?: { bankBin: string; bankName: string; accountNumber: string; accountName: string };
    qrPayload?: string;
  };
  createdAt: string;
  paidAt: string | null;
}

export interface CheckoutResponse {
  checkoutId: string;
  orders: Array<Order & { accessToken: string }>;
}

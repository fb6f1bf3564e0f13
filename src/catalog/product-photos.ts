/**
 * The photos a product shows, as the catalog receives them from the media module (which registers
 * itself with CatalogService.usePhotoSource: media depends on catalog, never the other way round).
 */
export interface ProductPhotoView {
  id: string;
  /** Size name → URL of a WebP at most that wide (never upscaled: two names may share a file). */
  sizes: { '320': string; '640': string; '1280': string };
  /** Size of the "1280" file, for layout (aspect ratio) before it loads. */
  width: number;
  height: number;
}

/** The ready photos of each product, in order, for any number of products in one query. */
export type ProductPhotoSource = (productIds: string[]) => Promise<Map<string, ProductPhotoView[]>>;

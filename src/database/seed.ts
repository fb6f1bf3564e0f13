import { type AppConfig } from '../config/config.js';

/** Placeholder replaced below once the catalog exists. */
export async function seedDemoData(_url: string, _config: AppConfig): Promise<string | null> {
  return null;
}

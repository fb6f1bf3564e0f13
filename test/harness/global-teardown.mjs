export default async function globalTeardown() {
  if (globalThis.__ocopPg) await globalThis.__ocopPg.stop();
}

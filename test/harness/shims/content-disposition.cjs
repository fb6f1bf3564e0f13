// Jest on Node 20 cannot require() an ES module; content-disposition 3 is ESM-only and is
// require()d by @fastify/static 10 (Node 20.19+ itself loads it natively, so production is not
// affected). @fastify/static uses it only in reply.download(), which the app never calls; this
// stand-in makes such a call fail loudly in tests instead of passing silently.
function unavailable() {
  throw new Error('content-disposition is not loadable under Jest on Node 20 (test/harness/shims/content-disposition.cjs)');
}
module.exports = { create: unavailable, parse: unavailable, format: unavailable };

import { toErrorBody } from './http-exception.filter.js';

describe('toErrorBody', () => {
  it('a request whose connection closed while its body was read (Node\'s "aborted" reset) is a 400 on body, not an unexpected 500', () => {
    // As Node's IncomingMessage is destroyed when its socket closes early, and Fastify's body reader passes it on.
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET', statusCode: 400 });
    expect(toErrorBody(aborted)).toEqual({
      body: { statusCode: 400, error: 'Bad Request', message: 'The request was cut off before its body was complete', details: [{ field: 'body', problem: 'was cut off before it was complete' }] },
      unexpected: false,
    });
  });

  it('other connection resets (a database socket) stay unexpected 500s', () => {
    const pg = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
    expect(toErrorBody(pg)).toEqual({ body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' }, unexpected: true });
  });

  it("Fastify's Content-Length mismatch is a 400 on body", () => {
    const e = Object.assign(new Error('Request body size did not match Content-Length'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 });
    expect(toErrorBody(e)).toMatchObject({ body: { statusCode: 400, details: [{ field: 'body', problem: 'is shorter or longer than Content-Length' }] }, unexpected: false });
  });
});

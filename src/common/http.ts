import accepts from 'accepts';
import type { FastifyRequest } from 'fastify';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../auth/principal.js';
import { InvalidInput } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the AuthGuard when a valid API key was presented. */
    principal?: Principal;
    /** The exact bytes of a JSON body (signature checks). */
    rawBody?: Buffer;
  }
}

/** Whether the client asked for CSV rather than JSON (`Accept: text/csv`). */
export function prefersCsv(req: FastifyRequest): boolean {
  return accepts(req.raw).type(['application/json', 'text/csv']) === 'text/csv';
}

export interface UploadedFile {
  /** Where the bytes were spooled (a temporary file the caller removes), or the bytes themselves. */
  path?: string;
  buffer?: Buffer;
  filename: string;
  mimetype: string;
  size: number;
}

/** Temporary files of uploads, removed by the code that took them. */
export const UPLOAD_SPOOL_DIR = join(tmpdir(), 'ocop-uploads');

/**
 * Reads the one file of a multipart/form-data request (field `field`), streamed to a temporary file
 * (`to: 'disk'`) or into memory (`to: 'memory'`, small files only). A missing file, another field
 * name or a file over `maxBytes` is a 4xx naming `file`; a partial temporary file is removed.
 */
export async function receiveFile(req: FastifyRequest, opts: { field?: string; maxBytes: number; to: 'disk' | 'memory' }): Promise<UploadedFile> {
  const field = opts.field ?? 'file';
  if (!req.isMultipart()) throw InvalidInput.field(field, 'is required: send it as multipart/form-data in a field named "' + field + '"');
  const part = await req.file({ limits: { fileSize: opts.maxBytes, files: 1 } });
  if (!part) throw InvalidInput.field(field, 'is required: send it as multipart/form-data in a field named "' + field + '"');
  if (part.fieldname !== field) {
    part.file.resume();
    throw InvalidInput.field(field, `is required: the file came in a field named "${part.fieldname}"`);
  }
  const meta = { filename: part.filename ?? '', mimetype: part.mimetype ?? 'application/octet-stream' };
  if (opts.to === 'memory') {
    const buffer = await part.toBuffer();
    return { ...meta, buffer, size: buffer.length };
  }
  await mkdir(UPLOAD_SPOOL_DIR, { recursive: true, mode: 0o700 });
  const path = join(UPLOAD_SPOOL_DIR, randomUUID());
  let size = 0;
  part.file.on('data', (c: Buffer) => (size += c.length));
  try {
    await pipeline(part.file, createWriteStream(path, { mode: 0o600 }));
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
  return { ...meta, path, size };
}

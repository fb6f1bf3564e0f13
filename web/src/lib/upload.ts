import { ApiError, type FieldProblem } from './api.js';

export interface UploadResult<T> {
  status: number;
  body: T;
}

/**
 * POSTs one file as multipart/form-data (field `file`) with upload progress, which fetch does not
 * report: on a market's or a farm's mobile network a photo or a statement takes a while. A non-2xx
 * answer becomes an ApiError with the server's details, a network failure an ApiError with status 0.
 */
export function uploadFile<T>(path: string, file: Blob, filename: string, headers: Record<string, string>, onProgress?: (fraction: number) => void): Promise<UploadResult<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'Đã hủy tải lên.')));
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve({ status: xhr.status, body: body as T });
      const b = (body ?? {}) as { message?: string; code?: string; details?: FieldProblem[] };
      reject(new ApiError(xhr.status, b.message ?? `HTTP ${xhr.status}`, b.code, Array.isArray(b.details) ? b.details : []));
    });
    const form = new FormData();
    form.append('file', file, filename);
    xhr.send(form);
  });
}

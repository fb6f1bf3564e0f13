import { Conflict, DomainError, type FieldProblem, NotFound, PayloadTooLarge, UnsupportedMediaType } from '../common/errors.js';

/** The multipart field that carries the photo; every upload problem is reported on it. */
export const UPLOAD_FIELD = 'file';

/** 400 `invalid_image`: the file is of an accepted type but not a usable image (cut off, corrupt, bad size). */
export class InvalidImage extends DomainError {
  constructor(problem: string, code = 'invalid_image') {
    const details: FieldProblem[] = [{ field: UPLOAD_FIELD, problem }];
    super('invalid', `${UPLOAD_FIELD}: ${problem}`, details, code);
  }
}

/** 415 `unsupported_image_type`: not JPEG, PNG, WebP or HEIC/HEIF by content. */
export class UnsupportedImageType extends UnsupportedMediaType {
  constructor(problem: string) {
    super([{ field: UPLOAD_FIELD, problem }], 'unsupported_image_type');
  }
}

/** 413 `image_too_large`: more bytes than MEDIA_MAX_UPLOAD_SIZE. */
export class ImageTooLarge extends PayloadTooLarge {
  constructor(maxBytes: number) {
    super([{ field: UPLOAD_FIELD, problem: `is larger than ${formatBytes(maxBytes)} (MEDIA_MAX_UPLOAD_SIZE)` }], 'image_too_large');
  }
}

/** 409 `too_many_photos`: the product already has the most photos allowed. */
export class TooManyPhotos extends Conflict {
  constructor(max: number) {
    super(`A product has at most ${max} photos: delete one first`, 'too_many_photos', [{ field: UPLOAD_FIELD, problem: `the product already has ${max} photos` }]);
  }
}

export class PhotoNotFound extends NotFound {
  constructor(id: string) {
    super('Photo', id);
  }
}

/**
 * Processing could not make the renditions from the stored original (the data is corrupt beyond
 * its headers). Not an HTTP error: processing runs after the upload answered; the photo becomes
 * `failed` with this message as its reason.
 */
export class ImageProcessingFailed extends Error {
  override name = 'ImageProcessingFailed';
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

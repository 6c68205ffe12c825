/**
 * A candidate's photo as uploaded: JPEG or PNG, told apart by the bytes (not the file name or the
 * declared type), with dimensions read from the image's own header. Anything else is refused before
 * it reaches the database, so that every stored photo can be drawn by pdfkit on the profile sheet.
 */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png';

export interface PhotoInfo {
  contentType: PhotoType;
  width: number;
  height: number;
}

/** Why a body is not a usable photo: `unsupported` (not JPEG/PNG at all) or `broken` (says it is, but is not readable). */
export class PhotoError extends Error {
  constructor(
    readonly kind: 'unsupported' | 'broken',
    message: string,
  ) {
    super(message);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Largest side accepted: a passport photo needs a few hundred pixels; 10,000 stops decompression bombs. */
const MAX_SIDE = 10_000;

function pngInfo(buf: Buffer): PhotoInfo {
  // Signature, then the IHDR chunk first: length 13, type, width, height, depth, colour type, …
  if (buf.length < 33 + 12 || buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') {
    throw new PhotoError('broken', 'The PNG has no valid header (IHDR).');
  }
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const depth = buf[24]!;
  const colour = buf[25]!;
  const interlace = buf[28]!;
  if (![0, 2, 3, 4, 6].includes(colour) || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new PhotoError('broken', 'The PNG header names an unknown colour type or bit depth.');
  }
  if (interlace !== 0) {
    throw new PhotoError(
      'unsupported',
      'Interlaced PNG is not supported; save the photo without interlacing.',
    );
  }
  // Every chunk up to IEND must be whole, and there must be image data.
  let at = 8;
  let sawData = false;
  for (;;) {
    if (at + 12 > buf.length) throw new PhotoError('broken', 'The PNG is cut short.');
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > buf.length) throw new PhotoError('broken', 'The PNG is cut short.');
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!sawData) throw new PhotoError('broken', 'The PNG holds no image data.');
  return { contentType: 'image/png', width, height };
}

/** Start-of-frame markers (baseline, progressive, …) carry the dimensions; C4, C8 and CC are not frames. */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegInfo(buf: Buffer): PhotoInfo {
  let at = 2;
  while (at + 4 <= buf.length) {
    if (buf[at] !== 0xff) throw new PhotoError('broken', 'The JPEG is damaged (no marker where one is due).');
    const marker = buf[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan before any frame
    const length = buf.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > buf.length) throw new PhotoError('broken', 'The JPEG is cut short.');
    if (isStartOfFrame(marker)) {
      if (length < 8) throw new PhotoError('broken', 'The JPEG frame header is too short.');
      const height = buf.readUInt16BE(at + 5);
      const width = buf.readUInt16BE(at + 7);
      const components = buf[at + 9]!;
      if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) {
        throw new PhotoError(
          'unsupported',
          'Lossless JPEG is not supported; save the photo as an ordinary JPEG.',
        );
      }
      if (![1, 3, 4].includes(components)) {
        throw new PhotoError('broken', 'The JPEG has an unusual number of colour components.');
      }
      return { contentType: 'image/jpeg', width, height };
    }
    at += 2 + length;
  }
  throw new PhotoError('broken', 'The JPEG has no frame header, so its size cannot be read.');
}

/** The type and size of a photo, or a PhotoError saying why it cannot be used. */
export function photoInfo(buf: Buffer): PhotoInfo {
  let info: PhotoInfo;
  if (buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE)) info = pngInfo(buf);
  else if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) info = jpegInfo(buf);
  else throw new PhotoError('unsupported', 'The file is neither a JPEG nor a PNG image.');
  if (info.width < 1 || info.height < 1 || info.width > MAX_SIDE || info.height > MAX_SIDE) {
    throw new PhotoError(
      'broken',
      `The image is ${info.width} × ${info.height} pixels; each side must be between 1 and ${MAX_SIDE}.`,
    );
  }
  return info;
}

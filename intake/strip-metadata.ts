import sharp from 'sharp';
import type { AllowedContentType } from './content-sniff';
import { IntakeError } from './errors';
import type { CheckedAttachment } from './validate-report';

/**
 * Photos are decoded and encoded anew, so nothing but their pixels reaches
 * the store: EXIF (the GPS position where the photo was taken, which may be
 * the reporter's home, the camera's serial number, the time), XMP, IPTC and
 * comments are dropped. Kept on purpose: the picture as it was meant to be
 * seen (the EXIF orientation is applied to the pixels before the tag goes)
 * in sRGB (an embedded colour profile is applied, then dropped). The place
 * the report concerns is the report's own lon/lat, kept on the event.
 */
const PHOTO_TYPES: ReadonlySet<AllowedContentType> = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** A decompression bomb is refused before it is decoded: about 100 megapixels covers every phone camera. */
const MAX_INPUT_PIXELS = 100_000_000;
/** Visually lossless for photos of a pothole or a pile of rubbish, about a fifth of a camera's own file. */
const JPEG_QUALITY = 88;
const WEBP_QUALITY = 85;

// Nothing is decoded twice: libvips' operation cache only holds memory in a long-running service.
sharp.cache(false);

export function isPhoto(contentType: AllowedContentType): boolean {
  return PHOTO_TYPES.has(contentType);
}

/** The photo without its metadata; other attachments as they came. */
export async function stripMetadata(attachment: CheckedAttachment, field: string): Promise<CheckedAttachment> {
  if (!isPhoto(attachment.contentType)) return attachment;
  const input = attachment.content instanceof Uint8Array ? attachment.content : attachment.content.path;
  let stripped: Buffer;
  try {
    stripped = await reencode(sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }), attachment.contentType);
  } catch (error) {
    throw new IntakeError('ATTACHMENT_TYPE_NOT_ALLOWED', `${field}: not a readable ${attachment.contentType} image (${(error as Error).message})`, field);
  }
  return { ...attachment, content: stripped, size: stripped.byteLength };
}

function reencode(image: sharp.Sharp, contentType: AllowedContentType): Promise<Buffer> {
  // sharp writes no metadata unless asked (withMetadata / keepExif); rotate() without an angle applies the EXIF orientation.
  const upright = image.rotate();
  switch (contentType) {
    case 'image/jpeg':
      return upright.jpeg({ quality: JPEG_QUALITY, mozjpeg: true }).toBuffer();
    case 'image/png':
      return upright.png().toBuffer();
    case 'image/webp':
      return upright.webp({ quality: WEBP_QUALITY }).toBuffer();
    default:
      throw new Error(`${contentType} is not a photo type`);
  }
}

import type { AttachmentKind } from '../orm/entities/vocabulary';

/**
 * The attachment types the intake accepts, each recognised by its leading
 * bytes. Eight closed formats need a few signatures, not a sniffing library
 * (the well-kept one, file-type, is ESM-only and recognises hundreds).
 */
export const ALLOWED_CONTENT_TYPES = {
  'image/jpeg': 'photo',
  'image/png': 'photo',
  'image/webp': 'photo',
  'audio/mpeg': 'voice',
  'audio/mp4': 'voice',
  'audio/amr': 'voice',
  'audio/ogg': 'voice',
  'video/mp4': 'video',
} as const satisfies Record<string, AttachmentKind>;
export type AllowedContentType = keyof typeof ALLOWED_CONTENT_TYPES;

export function isAllowedContentType(value: string): value is AllowedContentType {
  return Object.hasOwn(ALLOWED_CONTENT_TYPES, value);
}

/** Bytes enough for every signature below: what a streamed upload keeps of its head to sniff. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean =>
  bytes.length >= offset + text.length && [...text].every((char, i) => bytes[offset + i] === char.charCodeAt(0));

/** ISO base media (MP4) brands that hold audio only. */
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);

/** The content type the bytes are, among the allowed ones; undefined for anything else. */
export function sniffContentType(bytes: Uint8Array): AllowedContentType | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  if (ascii(bytes, 0, '#!AMR')) return 'audio/amr';
  if (ascii(bytes, 0, 'OggS')) return 'audio/ogg';
  if (ascii(bytes, 0, 'ID3')) return 'audio/mpeg';
  // An MPEG audio frame without ID3 tag: 11 sync bits, then a layer other than "reserved".
  if (bytes[0] === 0xff && bytes[1] !== undefined && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0) return 'audio/mpeg';
  if (ascii(bytes, 4, 'ftyp') && bytes.length >= 12) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    return AUDIO_BRANDS.has(brand) ? 'audio/mp4' : 'video/mp4';
  }
  return undefined;
}

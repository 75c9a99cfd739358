import { sniffContentType } from './content-sniff';

const bytes = (hex: string, text = ''): Uint8Array => new Uint8Array([...Buffer.from(hex, 'hex'), ...Buffer.from(text)]);

describe('sniffContentType', () => {
  it.each([
    ['JPEG', bytes('ffd8ffe000104a464946'), 'image/jpeg'],
    ['PNG', bytes('89504e470d0a1a0a0000000d'), 'image/png'],
    ['WebP', bytes('', 'RIFF\x24\x00\x00\x00WEBPVP8 '), 'image/webp'],
    ['MP3 with ID3', bytes('', 'ID3\x04\x00\x00\x00\x00\x00\x00'), 'audio/mpeg'],
    ['MP3 frame', bytes('fffb9064000000000000'), 'audio/mpeg'],
    ['AMR', bytes('', '#!AMR\n\x3c'), 'audio/amr'],
    ['Ogg', bytes('', 'OggS\x00\x02\x00\x00'), 'audio/ogg'],
    ['M4A', bytes('00000020', 'ftypM4A \x00\x00\x02\x00'), 'audio/mp4'],
    ['MP4', bytes('00000018', 'ftypisom\x00\x00\x02\x00'), 'video/mp4'],
  ])('recognises %s', (_, content, type) => {
    expect(sniffContentType(content)).toBe(type);
  });

  it.each([
    ['PDF', bytes('', '%PDF-1.7')],
    ['GIF', bytes('', 'GIF89a')],
    ['WAV (RIFF, not WebP)', bytes('', 'RIFF\x24\x00\x00\x00WAVEfmt ')],
    ['text', bytes('', 'hello world')],
    ['HTML', bytes('', '<!doctype html>')],
    ['nothing', bytes('')],
    ['a lone 0xff', bytes('ff')],
  ])('refuses %s', (_, content) => {
    expect(sniffContentType(content)).toBeUndefined();
  });
});

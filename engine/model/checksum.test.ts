import { checksum } from './index';

describe('checksum', () => {
  it('is the SHA-256 of the content, in hex', () => {
    expect(checksum(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('differs when a single byte differs', () => {
    expect(checksum(Buffer.from('<a/>'))).not.toBe(checksum(Buffer.from('<b/>')));
  });
});

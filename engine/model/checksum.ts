import { createHash } from 'node:crypto';

/** SHA-256 of a resource's bytes, hex: deploying identical content again creates no new version. */
export function checksum(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Photos lose their metadata on intake: a photo with GPS EXIF goes in through
 * each channel's path (in memory, as GraphQL hands it; spooled to disk, as
 * Open311's multipart does), and no metadata comes out of the store.
 */
// Typed asymmetric matchers (the global ones are `any`).
import { expect } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { gridWithPoint, startIntakeHarness, type IntakeHarness } from './fixtures/intake-harness';

jest.setTimeout(60_000);

let h: IntakeHarness;
beforeAll(async () => {
  h = await startIntakeHarness();
}, 120_000);
afterAll(() => h?.stop());
const inGrid = gridWithPoint(2_468);

/** Where the photo was taken: Nanchang's Tengwang Pavilion, as a phone would write it. */
const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '28/1 40/1 5/1', GPSLongitudeRef: 'E', GPSLongitude: '115/1 52/1 50/1' };

/** A landscape photo (8×4) that its camera says to show turned by 90° (EXIF orientation 6), with GPS, camera and time tags. */
async function cameraPhoto(format: 'jpeg' | 'png' | 'webp'): Promise<Buffer> {
  const image = sharp({ create: { width: 8, height: 4, channels: 3, background: '#3a7' } })
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'GridCam', Model: 'Patrol 1', Software: 'camera 2.0' }, IFD2: { DateTimeOriginal: '2026:10:01 08:30:00' }, IFD3: GPS });
  const photo = await image.toFormat(format).toBuffer();
  // The fixture itself carries what must go: otherwise the test could not fail.
  expect(await gpsOf(photo)).toEqual({ latitude: expect.closeTo(28.668, 3), longitude: expect.closeTo(115.881, 3) });
  expect((await sharp(photo).metadata()).orientation).toBe(6);
  return photo;
}

/** The GPS position in a photo's EXIF, read from the EXIF block libvips finds in any of the three formats. */
async function gpsOf(photo: Buffer): Promise<unknown> {
  const { exif } = await sharp(photo).metadata();
  if (exif === undefined) return undefined;
  // From a JPEG or WebP libvips hands the block with its "Exif\0\0" header; exifr reads the TIFF structure after it.
  return exifr.gps(exif.subarray(0, 4).toString('latin1') === 'Exif' ? exif.subarray(6) : exif);
}

async function storedFiles(): Promise<Map<string, Buffer>> {
  const entries = await readdir(h.attachmentDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile() && path.relative(h.attachmentDir, entry.parentPath) !== 'tmp');
  return new Map(await Promise.all(files.map(async (f) => [path.basename(f.name), await readFile(path.join(f.parentPath, f.name))] as const)));
}

async function expectNoMetadata(content: Buffer): Promise<void> {
  const metadata = await sharp(content).metadata();
  const { exif, xmp, iptc, icc, orientation, comments } = metadata;
  expect({ exif, xmp, iptc, icc, orientation, comments }).toEqual({ exif: undefined, xmp: undefined, iptc: undefined, icc: undefined, orientation: undefined, comments: undefined });
  // The orientation was applied to the pixels before the tag went: the photo now stands upright, 4×8.
  expect([metadata.width, metadata.height]).toEqual([4, 8]);
}

const report = {
  category: 'garbage',
  lon: inGrid.lon,
  lat: inGrid.lat,
  description: 'Rubbish dumped by the river',
  severity: 'low',
  source: 'citizen_app',
  reporterCode: 'citizen-000001',
};

test.each(['jpeg', 'png', 'webp'] as const)('a %s photo with GPS EXIF, reported in memory, is stored without any metadata, upright', async (format) => {
  const photo = await cameraPhoto(format);
  const reported = await h.intake.service.reportEvent({ ...report, attachments: [{ bytes: photo, declaredType: `image/${format}` }] });
  const [attachment] = reported.attachments;
  const content = (await storedFiles()).get(attachment.sha256);
  if (content === undefined) throw new Error(`no stored file for ${attachment.sha256}`);
  expect(content.length).toBe(attachment.size);
  await expectNoMetadata(content);
  // The report's own place is kept, on the event.
  const { rows } = await h.te.pool.query('select lon, lat from grid_event where id = $1', [reported.eventId]);
  expect(rows[0]).toEqual({ lon: inGrid.lon, lat: inGrid.lat });
});

test('a photo with GPS EXIF sent through Open311 as a multipart file is stored without it; the spooled original is gone', async () => {
  const photo = await cameraPhoto('jpeg');
  const body = new FormData();
  for (const [name, value] of Object.entries({ api_key: h.apiKey, service_code: 'garbage', lat: String(inGrid.lat), long: String(inGrid.lon), description: 'Rubbish again' })) body.set(name, value);
  body.append('media', new Blob([photo], { type: 'image/jpeg' }), 'IMG_0001.jpg');
  const response = await fetch(`${h.baseUrl}/requests.json`, { method: 'POST', body });
  expect(response.status).toBe(201);
  const [{ service_request_id: id }] = (await response.json()) as { service_request_id: string }[];
  const { rows } = await h.te.pool.query<{ sha256: string; size: string }>('select sha256, size from attachment where event_id = $1', [id]);
  expect(rows).toHaveLength(1);
  const files = await storedFiles();
  await expectNoMetadata(files.get(rows[0].sha256)!);
  // Of everything in the store, spool included, nothing holds the photo's GPS.
  const everything = await readdir(h.attachmentDir, { recursive: true, withFileTypes: true });
  for (const entry of everything.filter((e) => e.isFile())) {
    expect(await gpsOf(await readFile(path.join(entry.parentPath, entry.name)))).toBeUndefined();
  }
  expect(everything.filter((e) => e.isFile()).length).toBeGreaterThan(0);
});

test('a file that claims to be a photo but does not decode is refused, naming the field, and nothing is stored', async () => {
  const before = await h.stored();
  const broken = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 2)]);
  await expect(h.intake.service.reportEvent({ ...report, attachments: [{ bytes: broken }] })).rejects.toMatchObject({
    code: 'ATTACHMENT_TYPE_NOT_ALLOWED',
    field: 'attachments[0]',
  });
  expect(await h.stored()).toEqual(before);
});

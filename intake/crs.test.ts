import { IntakeError } from './errors';
import { coordinateSystemOf, toWgs84 } from './crs';

test('names a datum as people spell it; none means WGS-84', () => {
  expect([undefined, null, '', 'WGS84', 'wgs-84', 'EPSG:4326'].map((value) => coordinateSystemOf(value))).toEqual(Array(6).fill('WGS84'));
  expect(['GCJ02', 'gcj-02', 'GCJ_02'].map((value) => coordinateSystemOf(value))).toEqual(['GCJ02', 'GCJ02', 'GCJ02']);
});

test('refuses a datum it cannot convert, naming the field', () => {
  for (const value of ['BD09', 'mars', 42]) {
    expect(() => coordinateSystemOf(value)).toThrow(IntakeError);
    expect(() => coordinateSystemOf(value)).toThrow(/^crs: expected one of WGS84, GCJ02, got /);
  }
});

test('GCJ-02 in Nanchang is some 600 m east-south-east of WGS-84; WGS-84 passes unchanged', () => {
  // 滕王阁: GCJ-02 as AMap reports it, WGS-84 as GPS does.
  const [lon, lat] = toWgs84(115.8862584, 28.6785412, 'GCJ02');
  expect(lon).toBeCloseTo(115.8814, 5);
  expect(lat).toBeCloseTo(28.6819, 5);
  expect(toWgs84(115.8814, 28.6819, 'WGS84')).toEqual([115.8814, 28.6819]);
});

import { MikroORM, ReferenceKind } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createLogger } from '../../config/logger';
import { createTestDatabase, type TestDatabase } from '../../test-support/database';
import { ormConfig } from '../orm-config';
import { Attachment, Department, Feedback, Grid, GridEvent, GridEventTransition, Person, Task } from '.';
import { ATTACHMENT_KINDS, EVENT_SOURCES, EVENT_STATUSES, PERSON_ROLES, SEVERITIES, TASK_STATES } from './vocabulary';

const square: number[][][] = [
  [
    [118.7, 32.0],
    [118.71, 32.0],
    [118.71, 32.01],
    [118.7, 32.01],
    [118.7, 32.0],
  ],
];

describe('city entities', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await MikroORM.init(ormConfig(database.url, createLogger('silent')));
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('persist and load every entity through a request-scoped EntityManager', async () => {
    const em = orm.em.fork();
    const department = em.create(Department, {
      code: 'roads',
      name: 'Roads Bureau',
      categories: ['road_damage', 'manhole_cover'],
      apiEndpoint: 'http://roads.example/api',
      credentialsRef: 'roads-api',
    });
    const grid = em.create(Grid, {
      code: 'D01S01C01G01',
      name: 'Grid 1',
      districtCode: 'D01',
      districtName: 'Donghu District',
      streetCode: 'D01S01',
      streetName: 'Anle Street',
      communityCode: 'D01S01C01',
      communityName: 'Heping Community',
      polygon: square,
      minLon: 118.7,
      minLat: 32.0,
      maxLon: 118.71,
      maxLat: 32.01,
    });
    em.create(Person, { code: 'gw-1', name: 'Li Wei', role: 'grid_worker', grid });
    const clerk = em.create(Person, { code: 'clerk-1', name: 'Wang Fang', role: 'clerk', department });
    const citizen = em.create(Person, { code: 'citizen-1', name: 'Zhang Min', role: 'citizen', phone: '13900000001' });
    const event = em.create(GridEvent, {
      source: 'citizen_app',
      category: 'road_damage',
      description: 'pothole in the cycle lane',
      severity: 'medium',
      lon: 118.705,
      lat: 32.005,
      address: '1 Anle Road',
      reporter: citizen,
      grid,
      status: 'REPORTED',
      slaDueAt: new Date('2026-12-01T00:00:00Z'),
      processInstanceKey: '2251799813685300',
    });
    const duplicate = em.create(GridEvent, {
      source: 'hotline_12345',
      category: 'road_damage',
      description: 'same pothole',
      severity: 'low',
      lon: 118.7051,
      lat: 32.0051,
      grid,
      status: 'MERGED',
      duplicateOf: event,
    });
    em.create(GridEventTransition, { event, toStatus: 'REPORTED', actor: citizen, at: new Date('2026-11-28T10:00:00Z') });
    em.create(GridEventTransition, { event, fromStatus: 'REPORTED', toStatus: 'ACCEPTED', at: new Date('2026-11-28T10:00:01Z') });
    em.create(Attachment, {
      event,
      kind: 'photo',
      contentType: 'image/jpeg',
      size: 123_456,
      sha256: 'a'.repeat(64),
      storageKey: 'aa/aaaa',
    });
    em.create(Feedback, { event, citizen, satisfied: true, score: 5, comment: 'quick' });
    em.create(Task, {
      jobKey: '2251799813685999',
      processInstanceKey: '2251799813685300',
      elementId: 'handle-department',
      elementInstanceKey: '2251799813685990',
      name: 'Repair the road',
      event,
      candidateGroups: ['roads'],
      candidateUsers: [],
      assignee: clerk.code,
      dueAt: new Date('2026-11-30T00:00:00Z'),
      priority: 70,
      formKey: 'camunda-forms:bpmn:handle',
      state: 'CREATED',
    });
    await em.flush();

    const read = orm.em.fork();
    const loaded = await read.findOneOrFail(GridEvent, event.id, { populate: ['grid', 'reporter'] });
    expect((await read.findOneOrFail(Person, { grid: loaded.grid })).code).toBe('gw-1');
    expect(loaded.reporter?.role).toBe('citizen');
    const timeline = await read.find(GridEventTransition, { event: loaded }, { orderBy: { at: 'asc', id: 'asc' } });
    expect(timeline.map((entry) => entry.toStatus)).toEqual(['REPORTED', 'ACCEPTED']);
    expect(loaded.processInstanceKey).toBe('2251799813685300');
    expect(loaded.escalated).toBe(false);
    expect(loaded.grid?.polygon).toEqual(square);

    expect((await read.findOneOrFail(GridEvent, duplicate.id)).duplicateOf?.id).toBe(event.id);
    expect(await read.findOneOrFail(Department, 'roads')).toMatchObject({ categories: ['road_damage', 'manhole_cover'], credentialsRef: 'roads-api' });
    expect((await read.findOneOrFail(Person, { code: 'clerk-1' }, { populate: ['department'] })).department?.name).toBe('Roads Bureau');
    expect(await read.findOneOrFail(Attachment, { event: event.id })).toMatchObject({ kind: 'photo', size: 123_456, sha256: 'a'.repeat(64) });
    expect(await read.findOneOrFail(Feedback, { event: event.id })).toMatchObject({ satisfied: true, score: 5 });
    const task = await read.findOneOrFail(Task, { candidateGroups: { $contains: ['roads'] }, state: 'CREATED' });
    expect(task).toMatchObject({ jobKey: '2251799813685999', assignee: 'clerk-1', priority: 70 });
  });

  it('map every property to a column the migration created', async () => {
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      const { rows } = await pool.query<{ column: string }>(
        `select table_name || '.' || column_name as column from information_schema.columns where table_schema = 'public'`,
      );
      const columns = new Set(rows.map((row) => row.column));
      const mapped = [...orm.getMetadata()].flatMap((meta) =>
        meta.props
          // An inverse side of a relation would have no column of its own.
          .filter((prop) => prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner))
          .flatMap((prop) => prop.fieldNames.map((field) => `${meta.tableName}.${field}`)),
      );
      expect(mapped.length).toBeGreaterThan(60);
      expect(mapped.filter((column) => !columns.has(column))).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('match the vocabularies that the migration enforces', async () => {
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      const { rows } = await pool.query<{ table: string; check: string }>(
        `select conrelid::regclass::text as table, pg_get_constraintdef(oid) as check
           from pg_constraint where contype = 'c' and connamespace = 'public'::regnamespace`,
      );
      const checks = rows.map((row) => `${row.table}: ${row.check}`).join('\n');
      for (const [table, words] of [
        ['person', PERSON_ROLES],
        ['grid_event', [...EVENT_SOURCES, ...EVENT_STATUSES, ...SEVERITIES]],
        ['attachment', ATTACHMENT_KINDS],
        ['task', TASK_STATES],
      ] as const) {
        for (const word of words) expect(checks).toMatch(new RegExp(`^${table}: .*'${word}'`, 'm'));
      }
    } finally {
      await pool.end();
    }
  });
});

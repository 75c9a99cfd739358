import { defineEntity, p } from '@mikro-orm/core';
import { Department } from './department';
import { Grid } from './grid';
import { PERSON_ROLES } from './vocabulary';

const PersonSchema = defineEntity({
  name: 'Person',
  tableName: 'person',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    /** Natural key: login of staff, registration number of citizens. */
    code: p.text().unique(),
    name: p.text(),
    role: p.enum(PERSON_ROLES).columnType('text'),
    phone: p.text().nullable(),
    /** Clerks' and department managers' department. */
    department: () => p.manyToOne(Department).nullable().fieldName('department_code'),
    /** A grid worker's grid. */
    grid: () => p.oneToOne(Grid).nullable().fieldName('grid_code'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** Anyone the service knows: citizens, grid workers, clerks, managers, administrators. */
export class Person extends PersonSchema.class {}
PersonSchema.setClass(Person);

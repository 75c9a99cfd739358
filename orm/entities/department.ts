import { defineEntity, p } from '@mikro-orm/core';

const DepartmentSchema = defineEntity({
  name: 'Department',
  tableName: 'department',
  properties: {
    code: p.text().primary(),
    name: p.text(),
    /** Event categories this department handles (routing candidates). */
    categories: p.array().columnType('text[]').default([]),
    /** The department's own system, notified when an event is routed to it; none = queue only. */
    apiEndpoint: p.text().nullable(),
    /** Name of the secret holding the API's credentials, never the credentials themselves. */
    credentialsRef: p.text().nullable(),
  },
});

/** A city department (or bureau) that handles events of its categories. */
export class Department extends DepartmentSchema.class {}
DepartmentSchema.setClass(Department);

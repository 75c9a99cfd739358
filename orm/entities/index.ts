import { Attachment } from './attachment';
import { Department } from './department';
import { Feedback } from './feedback';
import { Grid } from './grid';
import { GridEvent } from './grid-event';
import { GridEventTransition } from './grid-event-transition';
import { Person } from './person';
import { Task } from './task';

export { Attachment, Department, Feedback, Grid, GridEvent, GridEventTransition, Person, Task };
export * from './vocabulary';

/** Every entity, for the ORM configuration. */
export const ENTITIES = [Department, Grid, Person, GridEvent, GridEventTransition, Attachment, Feedback, Task] as const;

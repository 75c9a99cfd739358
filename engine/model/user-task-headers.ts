/**
 * Zeebe's names for job-based user tasks: the job type and the
 * `io.camunda.zeebe:*` headers that carry the assignment, schedule, form and
 * priority. User task listener jobs carry their task's data in the same
 * headers, with the action, the changed attributes and the user task key. Part of the protocol, not of this engine: the engine writes them,
 * and a task list reads them from any Zeebe gateway (tasks/).
 */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

export const USER_TASK_HEADERS = {
  action: 'io.camunda.zeebe:action',
  assignee: 'io.camunda.zeebe:assignee',
  candidateGroups: 'io.camunda.zeebe:candidateGroups',
  candidateUsers: 'io.camunda.zeebe:candidateUsers',
  changedAttributes: 'io.camunda.zeebe:changedAttributes',
  dueDate: 'io.camunda.zeebe:dueDate',
  followUpDate: 'io.camunda.zeebe:followUpDate',
  formKey: 'io.camunda.zeebe:formKey',
  priority: 'io.camunda.zeebe:priority',
  userTaskKey: 'io.camunda.zeebe:userTaskKey',
} as const;

/**
 * Zeebe's names for job-based user tasks: the job type and the
 * `io.camunda.zeebe:*` headers that carry the assignment, schedule, form and
 * priority. Part of the protocol, not of this engine: the engine writes them,
 * and a task list reads them from any Zeebe gateway (tasks/).
 */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

export const USER_TASK_HEADERS = {
  assignee: 'io.camunda.zeebe:assignee',
  candidateGroups: 'io.camunda.zeebe:candidateGroups',
  candidateUsers: 'io.camunda.zeebe:candidateUsers',
  dueDate: 'io.camunda.zeebe:dueDate',
  followUpDate: 'io.camunda.zeebe:followUpDate',
  formKey: 'io.camunda.zeebe:formKey',
  priority: 'io.camunda.zeebe:priority',
} as const;

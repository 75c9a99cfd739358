/** Every operation the page sends (the task part of the GraphQL API). */

export const ME = /* GraphQL */ `query TaskListMe { me { code name role department { code name } grid { code name } } }`;

const TASK_ROW = 'id name state priority dueAt createdAt assignee formKey breached event { id category description severity address status }';

export const TASKS = /* GraphQL */ `
  query TaskListQueue($filter: TaskFilter, $sort: TaskSort, $first: Int) {
    tasks(filter: $filter, sort: $sort, first: $first) { edges { node { ${TASK_ROW} } } pageInfo { hasNextPage } }
  }`;

export const TASK = /* GraphQL */ `
  query TaskListTask($id: ID!) {
    task(id: $id) {
      ${TASK_ROW} candidateGroups followUpAt completedAt outcome
      form { id key version schema }
      event {
        id category description severity source status address lon lat reportedAt slaDueAt escalated
        grid { code name boundary }
        attachments { id kind contentType size }
        timeline { fromStatus toStatus note at }
      }
    }
  }`;

export const DEPARTMENTS = /* GraphQL */ `query TaskListDepartments { departments { code name } }`;

export const CLAIM = /* GraphQL */ `mutation TaskListClaim($id: ID!) { claimTask(id: $id) { id state assignee } }`;
export const UNCLAIM = /* GraphQL */ `mutation TaskListUnclaim($id: ID!) { unclaimTask(id: $id) { id state assignee } }`;
export const COMPLETE = /* GraphQL */ `
  mutation TaskListComplete($id: ID!, $variables: JSONObject) { completeTask(id: $id, variables: $variables) { id state outcome } }`;
export const RETURN = /* GraphQL */ `
  mutation TaskListReturn($id: ID!, $reason: String!) { returnTask(id: $id, reason: $reason) { id state outcome } }`;

export const QUEUE_CHANGED = /* GraphQL */ `subscription TaskListChanges { taskQueueChanged { kind task { id name } } }`;

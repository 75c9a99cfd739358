/** Every operation the page sends (contract: the managers' part of the GraphQL API). */

export const PROCESSES = /* GraphQL */ `
  query MonitorProcesses {
    processes { bpmnProcessId name version processDefinitionKey running incidents breached completed }
  }`;

export const PROCESS_DIAGRAM = /* GraphQL */ `
  query MonitorProcessDiagram($id: String!) {
    process(bpmnProcessId: $id) { bpmnProcessId name version processDefinitionKey bpmnXml }
  }`;

export const PROCESS_LIVE = /* GraphQL */ `
  query MonitorProcessLive($id: String!, $state: InstanceState, $first: Int) {
    process(bpmnProcessId: $id) {
      processDefinitionKey
      version
      elements { elementId active incidents breached completed }
      instances(state: $state, first: $first) {
        edges {
          node {
            key version state startedAt endedAt activeElements
            incidents { key elementId }
            event { id category status escalated grid { code name } }
          }
        }
        pageInfo { hasNextPage }
      }
    }
  }`;

export const INSTANCE = /* GraphQL */ `
  query MonitorInstance($key: ID!) {
    processInstance(key: $key) {
      key bpmnProcessId version state startedAt endedAt variables activeElements
      incidents { key elementId elementInstanceKey jobKey errorType errorMessage createdAt }
      history { position at valueType intent elementId elementType }
      event {
        id category severity status escalated reportedAt slaDueAt breachedAt closedAt
        grid { code name }
        departments { code name }
      }
    }
  }`;

export const PROCESS_VERSION_XML = /* GraphQL */ `
  query MonitorProcessVersion($id: String!, $version: Int) {
    process(bpmnProcessId: $id, version: $version) { name version bpmnXml }
  }`;

export const RETRY_INCIDENT = /* GraphQL */ `
  mutation MonitorRetryIncident($key: ID!) { retryIncident(key: $key) }`;

export const CANCEL_INSTANCE = /* GraphQL */ `
  mutation MonitorCancelInstance($key: ID!) { cancelProcessInstance(key: $key) }`;

export const DEPARTMENTS = /* GraphQL */ `
  query MonitorDepartments { departments { code name categories } }`;

export const BREACHES = /* GraphQL */ `
  query MonitorBreaches($filter: BreachFilter, $first: Int, $after: String) {
    slaBreaches(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          event { id status escalated processInstanceKey }
          breachedAt slaDueAt overdueSeconds open category
          departments { code name }
          grid { code name }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const KPI_FIELDS = `reported merged rejected accepted closed acceptanceRate completionRate satisfactionRate feedbackCount
  averageHandlingSeconds p90HandlingSeconds breaches`;

export const STATS = /* GraphQL */ `
  query MonitorStats($filter: StatsFilter) {
    stats(filter: $filter) {
      kpis { ${KPI_FIELDS} }
      byDepartment: by(dimension: DEPARTMENT, first: 50) { key kpis { closed averageHandlingSeconds } }
      byDay: by(dimension: DAY, first: 100) { key kpis { reported breaches } }
    }
  }`;

export const NOTIFICATION_OUTBOX = /* GraphQL */ `
  query MonitorOutbox { notificationOutbox(failedFirst: 5) { counts { channel state count } failed { channel kind personCode eventId attempts lastError createdAt } } }`;

export const ME = /* GraphQL */ `
  query MonitorMe { me { code name role department { code name } } }`;

export const CATEGORIES = /* GraphQL */ `
  query MonitorCategories { categories { code name departments } }`;

export const EVENT = /* GraphQL */ `
  query MonitorEvent($id: ID!) {
    event(id: $id) {
      id category description severity source status escalated address level
      reportedAt acceptedAt slaDueAt breachedAt closedAt processInstanceKey
      grid { code name districtName streetName communityName }
      departments { code name }
      duplicateOf { id }
      timeline { fromStatus toStatus escalated note at }
      feedback { satisfied score comment createdAt }
    }
  }`;

export const CITY_MAP_VERSION = /* GraphQL */ `
  query MonitorMapVersion { cityMap { version } }`;

export const CITY_MAP = /* GraphQL */ `
  query MonitorMap { cityMap { version geometry } }`;

export const GRID_FIGURES = /* GraphQL */ `
  query MonitorGridFigures { gridFigures { grid open breached satisfied answered } }`;

export const GRID_EVENTS = /* GraphQL */ `
  query MonitorGridEvents($grid: String!, $first: Int) {
    events(filter: { grid: $grid }, first: $first) {
      edges { node { id category status escalated reportedAt breachedAt processInstanceKey } }
      pageInfo { hasNextPage }
    }
  }`;

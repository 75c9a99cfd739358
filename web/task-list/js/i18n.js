/**
 * The page's words in Chinese and English. The language comes from the
 * browser (any zh-* reads Chinese) until the person picks one; the pick is
 * kept in localStorage. Forms are deployed in English; `formText` gives their
 * labels in the page's language, by form id and component id, so a process
 * designer's form stays one file.
 */

const LANGUAGE_KEY = 'grid-dispatch.tasks.language';

const WORDS = {
  en: {
    title: 'Tasks', skip: 'Skip to content', language: 'Language', signIn: 'Sign in', signOut: 'Sign out',
    tokenLabel: 'Bearer token', tokenHint: 'Print one with npm run -s token -- clerk-roads-001. It is kept for this tab only.',
    useToken: 'Use token', signedOut: 'Signed out.', tokenRefused: 'The token was refused; paste another.',
    queue: 'My queue', filters: 'Filters', state: 'State', sort: 'Sort', assignedToMe: 'Assigned to me', myGroups: 'My groups only',
    breachedOnly: 'Past due only', category: 'Category', grid: 'Grid', apply: 'Apply',
    sortPRIORITY: 'Priority', sortDUE_DATE: 'Due date', sortCREATED: 'Oldest first',
    stateCREATED: 'Open', stateCOMPLETED: 'Completed', stateCANCELED: 'Cancelled',
    empty: 'No tasks here.', more: 'More tasks than shown: narrow the filters.', live: 'Live', offline: 'Reconnecting…',
    priority: 'Priority', due: 'Due', created: 'Created', assignee: 'Assignee', nobody: 'nobody', breached: 'Past due', newTask: 'New',
    chooseTask: 'Choose a task from the queue.', back: 'Back to the queue', event: 'Event', description: 'Description',
    severity: 'Severity', address: 'Address', reported: 'Reported', slaDue: 'SLA due', status: 'Status', place: 'Place',
    mapOf: (grid) => `Map of grid ${grid}: the grid's boundary and the reported place`, noPlace: 'No grid known for this event.',
    photos: 'Photos', noPhotos: 'No photos.', timeline: 'Timeline', form: 'Form',
    claim: 'Claim', unclaim: 'Unclaim', complete: 'Complete', returnTask: 'Return', returnReason: 'Why it is not your business',
    confirmReturn: 'Return the task', cancel: 'Cancel', claimFirst: 'Claim the task to fill in its form.',
    notYours: (who) => `Claimed by ${who}.`, closed: (state) => `This task is ${state}.`,
    claimed: (name) => `You claimed “${name}”.`, unclaimed: (name) => `“${name}” is back in the queue.`,
    completed: (name) => `“${name}” completed.`, returned: (name) => `“${name}” returned.`,
    added: (name) => `New task: ${name}`, fixForm: 'Check the highlighted fields.',
    refused: (field, message) => `Refused: ${field}: ${message}`, failed: (message) => `That did not work: ${message}`,
    gone: 'This task is no longer in your queues.',
  },
  zh: {
    title: '任务', skip: '跳到内容', language: '语言', signIn: '登录', signOut: '退出',
    tokenLabel: '令牌（Bearer token）', tokenHint: '用 npm run -s token -- clerk-roads-001 生成，只保存在本标签页。',
    useToken: '使用令牌', signedOut: '已退出。', tokenRefused: '令牌无效，请粘贴新的令牌。',
    queue: '我的待办', filters: '筛选', state: '状态', sort: '排序', assignedToMe: '我认领的', myGroups: '只看本组',
    breachedOnly: '只看超期', category: '类别', grid: '网格', apply: '应用',
    sortPRIORITY: '优先级', sortDUE_DATE: '截止时间', sortCREATED: '最早创建',
    stateCREATED: '待办', stateCOMPLETED: '已完成', stateCANCELED: '已取消',
    empty: '没有任务。', more: '任务多于显示数量，请缩小筛选范围。', live: '实时', offline: '正在重新连接…',
    priority: '优先级', due: '截止', created: '创建', assignee: '处理人', nobody: '无', breached: '超期', newTask: '新',
    chooseTask: '请从待办中选择一个任务。', back: '返回待办', event: '事件', description: '描述',
    severity: '严重程度', address: '地址', reported: '上报时间', slaDue: '时限', status: '状态', place: '位置',
    mapOf: (grid) => `网格 ${grid} 地图：网格边界与上报位置`, noPlace: '此事件没有所属网格。',
    photos: '照片', noPhotos: '没有照片。', timeline: '处理记录', form: '表单',
    claim: '认领', unclaim: '放回', complete: '完成', returnTask: '退回', returnReason: '退回原因（为何不归我处理）',
    confirmReturn: '确认退回', cancel: '取消', claimFirst: '认领任务后才能填写表单。',
    notYours: (who) => `已被 ${who} 认领。`, closed: (state) => `任务${state}。`,
    claimed: (name) => `已认领“${name}”。`, unclaimed: (name) => `“${name}”已放回待办。`,
    completed: (name) => `“${name}”已完成。`, returned: (name) => `“${name}”已退回。`,
    added: (name) => `新任务：${name}`, fixForm: '请检查标出的字段。',
    refused: (field, message) => `未通过：${field}：${message}`, failed: (message) => `操作失败：${message}`,
    gone: '此任务已不在你的待办中。',
  },
};

/** Task names as grid-event.bpmn gives them, and the vocabularies the API answers in codes. */
const CHINESE_TERMS = {
  'Arbitrate handler': '仲裁处置单位', 'Handle in grid': '网格内处置', 'Handle in department': '部门处置',
  "Handle department's part": '部门分项处置', 'Lead department concludes': '牵头部门办结', 'Verify on site': '现场核查',
  'Review unsatisfied event': '复核不满意事件',
  LOW: '低', MEDIUM: '中', HIGH: '高', CRITICAL: '紧急',
  REPORTED: '已上报', ACCEPTED: '已受理', ROUTED: '已派遣', IN_PROGRESS: '处置中', RESOLVED: '已处置', CLOSED: '已结案',
  REOPENED: '已重启', MERGED: '已合并', REJECTED: '已驳回',
};

/** The six forms of processes/forms in Chinese, by form id, then component id. */
const CHINESE_FORMS = (() => {
  const outcome = {
    label: '处理结果',
    description: '已处置：问题已解决。退回：不归本单位处理，将重新派遣（不再派给你）。',
    values: { RESOLVED: '已处置', RETURNED: '退回' },
  };
  const returnReason = { label: '退回原因', description: '应由谁处理，为什么。' };
  const handling = (text) => ({ Text_intro: { text }, Field_outcome: outcome, Field_returnReason: returnReason });
  return {
    'grid-dispatch-handle': handling('# 处置事件\n处理上述问题；不归你处理时退回。'),
    'grid-dispatch-handle-part': handling('# 处置本部门分项\n各部门分项完成后由牵头部门办结。'),
    'grid-dispatch-conclude': handling('# 联合处置办结\n各部门已完成分项，请确认事件是否已处置。'),
    'grid-dispatch-verify': {
      Text_intro: { text: '# 现场核查\n到现场确认问题确已解决。' },
      Field_verified: { label: '确已解决', description: '不勾选则事件退回处置。' },
      Field_verificationNote: { label: '核查说明' },
    },
    'grid-dispatch-arbitrate': {
      Text_intro: { text: '# 仲裁处置单位\n事件已被退回两次，或已无单位可派。请决定由谁处置。' },
      Field_level: { label: '处置层级', values: { GRID: '网格', DEPARTMENT: '部门', JOINT: '联合（多个部门）' } },
      Field_departments: { label: '处置部门（牵头部门在前）', description: '部门层级选一个，联合处置选两个或以上，牵头部门在前。' },
    },
    'grid-dispatch-review': {
      Text_intro: { text: '# 复核不满意事件\n上报人两次不满意，请说明所做的处理。' },
      Field_reviewNote: { label: '复核说明' },
    },
  };
})();

let language = pickLanguage();

function pickLanguage() {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  if (stored === 'zh' || stored === 'en') return stored;
  return (navigator.languages ?? [navigator.language]).some((tag) => /^zh\b/i.test(tag)) ? 'zh' : 'en';
}

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  language = next === 'zh' ? 'zh' : 'en';
  localStorage.setItem(LANGUAGE_KEY, language);
}

/** A word of the page: a string, or a function of the given arguments. */
export function t(key, ...args) {
  const entry = WORDS[language][key] ?? WORDS.en[key] ?? key;
  return typeof entry === 'function' ? entry(...args) : entry;
}

/** A task name, a severity or a status, in the page's language. */
export function term(value) {
  if (value === null || value === undefined) return '—';
  return language === 'zh' ? (CHINESE_TERMS[value] ?? value) : value;
}

/** The form's schema with its texts in the page's language (the schema itself is left as deployed). */
export function formText(schema) {
  const texts = language === 'zh' ? CHINESE_FORMS[schema.id] : undefined;
  if (!texts) return schema;
  const translate = (component) => {
    const own = texts[component.id] ?? {};
    const copy = { ...component };
    for (const name of ['label', 'description', 'text']) if (own[name]) copy[name] = own[name];
    if (own.values && Array.isArray(copy.values)) copy.values = copy.values.map((v) => ({ ...v, label: own.values[v.value] ?? v.label }));
    if (Array.isArray(copy.components)) copy.components = copy.components.map(translate);
    return copy;
  };
  return { ...schema, components: schema.components.map(translate) };
}

export function formatTime(value) {
  if (!value) return '—';
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(value));
}

/** Fills every [data-i18n] element of the shell with its word. */
export function translateShell(root = document) {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
}

import { InvalidArgumentError } from '../errors';
import { completeJob } from './job-commands';
import { listenerHeaders } from './task-listener-jobs';
import { end, model, start, task } from '../testing/bpmn';
import { ProcessorKit } from '../testing/processor-kit';

describe('the data a listener job carries', () => {
  it('puts the task into io.camunda.zeebe:* headers as Zeebe does: blanks left out, lists as JSON, changed attributes sorted', () => {
    const headers = listenerHeaders({
      userTaskKey: 2251799813685260,
      action: 'assign',
      assignee: 'lin',
      candidateGroups: ['water', 'roads'],
      candidateUsers: [],
      dueDate: '2026-03-01T10:00:00+08:00',
      followUpDate: '',
      formKey: -1,
      priority: 50,
      changedAttributes: ['priority', 'assignee'],
      customHeaders: { department: 'water' },
    });
    expect(headers).toEqual({
      department: 'water',
      'io.camunda.zeebe:action': 'assign',
      'io.camunda.zeebe:assignee': 'lin',
      'io.camunda.zeebe:candidateGroups': '["water","roads"]',
      'io.camunda.zeebe:changedAttributes': '["assignee","priority"]',
      'io.camunda.zeebe:dueDate': '2026-03-01T10:00:00+08:00',
      'io.camunda.zeebe:priority': '50',
      'io.camunda.zeebe:userTaskKey': '2251799813685260',
    });
  });
});

describe('a job result on a job that is not a task listener', () => {
  async function serviceJob(): Promise<{ kit: ProcessorKit; jobKey: number }> {
    const kit = new ProcessorKit();
    await kit.deploy(model('plain', [start(), task('work', 'work'), end()], ['start->work', 'work->end']));
    await kit.createInstance('plain');
    const job = await kit.job('work');
    expect(job.kind).toBe('BPMN_ELEMENT');
    expect(job.listenerEventType).toBe('UNSPECIFIED');
    return { kit, jobKey: job.key };
  }

  it('refuses a denial or corrections, before anything changes', async () => {
    const { kit, jobKey } = await serviceJob();
    const before = kit.records.length;
    const denied = kit.run((ctx) => completeJob(ctx, jobKey, {}, { denied: true, deniedReason: 'no', corrections: {} }));
    await expect(denied).rejects.toThrow(InvalidArgumentError);
    await expect(denied).rejects.toThrow(/is not a task listener job/);
    await expect(kit.run((ctx) => completeJob(ctx, jobKey, {}, { denied: false, deniedReason: '', corrections: { priority: 90 } }))).rejects.toThrow(
      /with a user task result \(denied or corrections\)/,
    );
    expect(kit.records.length).toBe(before);
    expect(kit.state.jobs.get(jobKey)?.state).toBe('ACTIVATED');
  });

  it('takes an empty result like none, and its JOB COMPLETED record says BPMN_ELEMENT', async () => {
    const { kit, jobKey } = await serviceJob();
    await kit.run((ctx) => completeJob(ctx, jobKey, { done: true }, { denied: false, deniedReason: '', corrections: {} }));
    const completed = kit.records.find((record) => record.valueType === 'JOB' && record.intent === 'COMPLETED');
    expect(completed?.value).toMatchObject({ jobKind: 'BPMN_ELEMENT', listenerEventType: 'UNSPECIFIED' });
    expect(completed?.value).not.toHaveProperty('result');
    expect(kit.records.at(-1)).toMatchObject({ valueType: 'PROCESS_INSTANCE', intent: 'ELEMENT_COMPLETED', elementId: 'plain' });
  });
});

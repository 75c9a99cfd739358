import { InvalidModelError } from '../errors';
import { model, start, end } from '../testing/bpmn';
import { compileBpmn } from './index';

function userTask(listeners: string, camunda = true): string {
  return model(
    'listened',
    [
      start(),
      `<bpmn:userTask id="review"><bpmn:extensionElements>${camunda ? '<zeebe:userTask />' : ''}` +
        `<zeebe:taskListeners>${listeners}</zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>`,
      end(),
    ],
    ['start->review', 'review->end'],
  );
}

async function rejectionOf(xml: string): Promise<InvalidModelError> {
  try {
    await compileBpmn(xml, 'listened.bpmn');
  } catch (error) {
    if (error instanceof InvalidModelError) return error;
    throw error;
  }
  throw new Error('expected the model to be rejected');
}

describe('zeebe:taskListeners at deploy', () => {
  it('reads the listeners of a Camunda user task in model order, with retries defaulting to 3 and the names of earlier versions', async () => {
    const [process] = await compileBpmn(
      userTask(
        '<zeebe:taskListener eventType="completing" type="audit" />' +
          '<zeebe:taskListener eventType="assignment" type="=queue" retries="=tries" />' +
          '<zeebe:taskListener eventType="creating" type="notify" retries="5" />',
      ),
      'listened.bpmn',
    );
    expect(process.elements.get('review')).toMatchObject({
      zeebeUserTask: true,
      taskListeners: [
        { eventType: 'completing', type: { kind: 'static', value: 'audit' }, retries: { kind: 'static', value: '3' } },
        { eventType: 'assigning', type: { kind: 'feel', source: 'queue' }, retries: { kind: 'feel', source: 'tries' } },
        { eventType: 'creating', type: { kind: 'static', value: 'notify' }, retries: { kind: 'static', value: '5' } },
      ],
    });
  });

  it('reads canceling listeners, and the name earlier versions wrote for them', async () => {
    const [process] = await compileBpmn(
      userTask('<zeebe:taskListener eventType="canceling" type="audit" /><zeebe:taskListener eventType="cancel" type="notify" retries="1" />'),
      'listened.bpmn',
    );
    expect(process.elements.get('review')).toMatchObject({
      taskListeners: [
        { eventType: 'canceling', type: { kind: 'static', value: 'audit' }, retries: { kind: 'static', value: '3' } },
        { eventType: 'canceling', type: { kind: 'static', value: 'notify' }, retries: { kind: 'static', value: '1' } },
      ],
    });
  });

  it('rejects an event type Zeebe 8.8 does not have, naming the ones it has', async () => {
    const error = await rejectionOf(userTask('<zeebe:taskListener eventType="claiming" type="audit" />'));
    expect(error.elementId).toBe('review');
    expect(error.reason).toBe(
      "task listener #1 has the event type 'claiming', which is not supported; use one of 'creating', 'assigning', 'updating', 'completing', 'canceling'",
    );
  });

  it('rejects a listener without an event type or a job type', async () => {
    expect((await rejectionOf(userTask('<zeebe:taskListener type="audit" />'))).reason).toMatch(/^task listener #1 has no event type;/);
    expect((await rejectionOf(userTask('<zeebe:taskListener eventType="completing" type="audit" /><zeebe:taskListener eventType="assigning" />'))).reason).toBe(
      "task listener #2 (assigning) has no job type; set its 'type'",
    );
    expect((await rejectionOf(userTask('<zeebe:taskListener eventType="completing" type="=" />'))).reason).toMatch(/has no job type/);
  });

  it('rejects retries that are neither a whole number nor valid FEEL', async () => {
    expect((await rejectionOf(userTask('<zeebe:taskListener eventType="completing" type="audit" retries="three" />'))).reason).toBe(
      "the retries 'three' of task listener #1 must be a whole number or a FEEL expression",
    );
    expect((await rejectionOf(userTask('<zeebe:taskListener eventType="completing" type="audit" retries="=1 +" />'))).reason).toMatch(
      /^the retries of task listener #1 '=1 \+' is not a valid FEEL expression/,
    );
    expect((await rejectionOf(userTask('<zeebe:taskListener eventType="completing" type="=&quot;a&quot; +" />'))).reason).toMatch(
      /^the job type of task listener #1 .* is not a valid FEEL expression/,
    );
  });

  it('rejects listeners on a job worker user task, which never runs them', async () => {
    const error = await rejectionOf(userTask('<zeebe:taskListener eventType="completing" type="audit" />', false));
    expect(error.elementId).toBe('review');
    expect(error.reason).toBe('task listeners (zeebe:taskListeners) run only on Camunda user tasks; add zeebe:userTask');
  });
});

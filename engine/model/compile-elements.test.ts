import { compileBpmn } from './index';
import type { BoundaryEvent, EndEvent, ExclusiveGateway, JobTask, ScriptTask, SubProcess } from './types';
import { definitions, process, flow, job, compileOne } from './test-bpmn';


describe('compileBpmn: supported elements', () => {
  it('compiles a none start event and a none end event', async () => {
    const compiled = await compileOne(
      definitions(`<bpmn:process id="hello" name="Hello" isExecutable="true">
        <bpmn:startEvent id="s" name="Start" /><bpmn:endEvent id="e" />${flow('f1', 's', 'e')}
      </bpmn:process>`),
    );
    expect(compiled.bpmnProcessId).toBe('hello');
    expect(compiled.name).toBe('Hello');
    expect(compiled.startEvent).toBe('s');
    expect(compiled.children).toEqual(['s', 'e']);
    expect(compiled.elements.get('s')).toEqual({
      id: 's', name: 'Start', type: 'START_EVENT', scopeId: 'hello', incoming: [], outgoing: ['f1'], inputs: [], outputs: [],
    });
    expect(compiled.elements.get('e')).toEqual({
      id: 'e', type: 'END_EVENT', eventType: 'NONE', scopeId: 'hello', incoming: ['f1'], outgoing: [], inputs: [], outputs: [],
    });
    expect([...compiled.flows.values()]).toEqual([{ id: 'f1', sourceId: 's', targetId: 'e' }]);
  });

  it('compiles a service task: job type, default retries, headers and mappings', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f1', 's', 't')}
        <bpmn:serviceTask id="t" name="Route">
          <bpmn:extensionElements>
            <zeebe:taskDefinition type="route-event" />
            <zeebe:taskHeaders><zeebe:header key="department" value="water" /><zeebe:header key="empty" /></zeebe:taskHeaders>
            <zeebe:ioMapping>
              <zeebe:input source="=event.id" target="eventId" />
              <zeebe:input source="static text" target="note" />
              <zeebe:input target="cleared" />
              <zeebe:output source="=result.level" target="route.level" />
            </zeebe:ioMapping>
          </bpmn:extensionElements>
        </bpmn:serviceTask>`),
    );
    const task = compiled.elements.get('t') as JobTask;
    expect(task.type).toBe('SERVICE_TASK');
    expect(task.job).toEqual({
      type: { kind: 'static', value: 'route-event' },
      retries: { kind: 'static', value: '3' },
      headers: { department: 'water', empty: '' },
    });
    expect(task.inputs).toEqual([
      { source: { kind: 'feel', source: 'event.id' }, target: 'eventId' },
      { source: { kind: 'static', value: 'static text' }, target: 'note' },
      { source: { kind: 'feel', source: 'null' }, target: 'cleared' },
    ]);
    expect(task.outputs).toEqual([{ source: { kind: 'feel', source: 'result.level' }, target: 'route.level' }]);
    expect(task.boundaryEvents).toEqual([]);
    expect(task.outgoing).toEqual([]);
  });

  it('reads job type and retries as FEEL when they start with =', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f1', 's', 't')}
        <bpmn:serviceTask id="t">${'<bpmn:extensionElements><zeebe:taskDefinition type="= &quot;notify-&quot; + channel" retries="=maxRetries" /></bpmn:extensionElements>'}</bpmn:serviceTask>`),
    );
    expect((compiled.elements.get('t') as JobTask).job).toMatchObject({
      type: { kind: 'feel', source: '"notify-" + channel' },
      retries: { kind: 'feel', source: 'maxRetries' },
    });
  });

  it.each([
    ['sendTask', 'SEND_TASK'],
    ['businessRuleTask', 'BUSINESS_RULE_TASK'],
    ['scriptTask', 'SCRIPT_TASK'],
  ])('compiles a %s with a job as a job task', async (tag, type) => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f1', 's', 't')}<bpmn:${tag} id="t">${job('work')}</bpmn:${tag}>`),
    );
    const task = compiled.elements.get('t') as JobTask;
    expect(task.type).toBe(type);
    expect(task.job.type).toEqual({ kind: 'static', value: 'work' });
  });

  it('compiles a script task with zeebe:script, evaluated by the engine', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f1', 's', 't')}
        <bpmn:scriptTask id="t"><bpmn:extensionElements><zeebe:script expression="=severity * 2" resultVariable="score" /></bpmn:extensionElements></bpmn:scriptTask>`),
    );
    const task = compiled.elements.get('t') as ScriptTask;
    expect(task.type).toBe('SCRIPT_TASK');
    expect(task.script).toEqual({ expression: { kind: 'feel', source: 'severity * 2' }, resultVariable: 'score' });
    expect('job' in task).toBe(false);
  });

  it('compiles terminate and error end events', async () => {
    const compiled = await compileOne(
      process(
        `<bpmn:startEvent id="s" /><bpmn:parallelGateway id="fork" />
        <bpmn:endEvent id="stop"><bpmn:terminateEventDefinition /></bpmn:endEvent>
        <bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="E1" /></bpmn:endEvent>
        <bpmn:endEvent id="failDynamic"><bpmn:errorEventDefinition errorRef="E2" /></bpmn:endEvent>
        ${flow('f0', 's', 'fork')}${flow('f1', 'fork', 'stop')}${flow('f2', 'fork', 'fail')}${flow('f3', 'fork', 'failDynamic')}`,
        '<bpmn:error id="E1" errorCode="NOT_OURS" /><bpmn:error id="E2" errorCode="=&quot;E-&quot; + code" />',
      ),
    );
    expect((compiled.elements.get('stop') as EndEvent).eventType).toBe('TERMINATE');
    expect(compiled.elements.get('fail')).toMatchObject({ eventType: 'ERROR', errorCode: { kind: 'static', value: 'NOT_OURS' } });
    expect(compiled.elements.get('failDynamic')).toMatchObject({ eventType: 'ERROR', errorCode: { kind: 'feel', source: '"E-" + code' } });
  });

  it('compiles an exclusive gateway with conditions and a default flow', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'g')}
        <bpmn:exclusiveGateway id="g" default="fDefault" />
        <bpmn:endEvent id="grid" /><bpmn:endEvent id="dept" /><bpmn:endEvent id="other" />
        ${flow('fGrid', 'g', 'grid', '=level = "GRID"')}${flow('fDept', 'g', 'dept', '= level = "DEPARTMENT" ')}${flow('fDefault', 'g', 'other')}`),
    );
    const gateway = compiled.elements.get('g') as ExclusiveGateway;
    expect(gateway).toMatchObject({ type: 'EXCLUSIVE_GATEWAY', defaultFlow: 'fDefault', outgoing: ['fGrid', 'fDept', 'fDefault'] });
    expect(compiled.flows.get('fGrid')!.condition).toEqual({ kind: 'feel', source: 'level = "GRID"' });
    expect(compiled.flows.get('fDept')!.condition).toEqual({ kind: 'feel', source: 'level = "DEPARTMENT"' });
    expect(compiled.flows.get('fDefault')!.condition).toBeUndefined();
  });

  it('accepts an exclusive gateway with a single unconditional outgoing flow, and one with no default', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'g')}<bpmn:exclusiveGateway id="g" /><bpmn:endEvent id="e" />${flow('f1', 'g', 'e')}`),
    );
    expect((compiled.elements.get('g') as ExclusiveGateway).defaultFlow).toBeUndefined();
  });

  it('compiles parallel fork and join, and allows implicit merges and implicit ends', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'fork')}
        <bpmn:parallelGateway id="fork" /><bpmn:parallelGateway id="join" />
        <bpmn:serviceTask id="a">${job('a')}</bpmn:serviceTask><bpmn:serviceTask id="b">${job('b')}</bpmn:serviceTask>
        <bpmn:serviceTask id="merged">${job('m')}</bpmn:serviceTask>
        ${flow('f1', 'fork', 'a')}${flow('f2', 'fork', 'b')}${flow('f3', 'a', 'join')}${flow('f4', 'b', 'join')}
        ${flow('f5', 'join', 'merged')}${flow('f6', 'fork', 'merged')}`),
    );
    expect(compiled.elements.get('fork')).toMatchObject({ type: 'PARALLEL_GATEWAY', outgoing: ['f1', 'f2', 'f6'] });
    expect(compiled.elements.get('join')).toMatchObject({ type: 'PARALLEL_GATEWAY', incoming: ['f3', 'f4'] });
    expect(compiled.elements.get('merged')).toMatchObject({ incoming: ['f5', 'f6'], outgoing: [] });
  });

  it('compiles nested subprocesses: every element in one map, each with its scope', async () => {
    const compiled = await compileOne(
      process(`<bpmn:startEvent id="s" />${flow('f0', 's', 'outer')}
        <bpmn:subProcess id="outer">
          <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=items" target="local" /><zeebe:output source="=local" target="items" /></zeebe:ioMapping></bpmn:extensionElements>
          <bpmn:startEvent id="outerStart" />${flow('fo1', 'outerStart', 'inner')}
          <bpmn:subProcess id="inner">
            <bpmn:startEvent id="innerStart" />${flow('fi1', 'innerStart', 'work')}
            <bpmn:serviceTask id="work">${job('w')}</bpmn:serviceTask>
          </bpmn:subProcess>
        </bpmn:subProcess>`),
    );
    expect(compiled.children).toEqual(['s', 'outer']);
    expect([...compiled.elements.keys()]).toEqual(['s', 'outer', 'outerStart', 'inner', 'innerStart', 'work']);
    const outer = compiled.elements.get('outer') as SubProcess;
    expect(outer).toMatchObject({ type: 'SUB_PROCESS', scopeId: 'p', startEvent: 'outerStart', children: ['outerStart', 'inner'], boundaryEvents: [] });
    expect(outer.inputs).toHaveLength(1);
    expect(outer.outputs).toHaveLength(1);
    expect(compiled.elements.get('inner')).toMatchObject({ scopeId: 'outer', startEvent: 'innerStart', children: ['innerStart', 'work'] });
    expect(compiled.elements.get('work')!.scopeId).toBe('inner');
    expect(compiled.flows.get('fi1')).toEqual({ id: 'fi1', sourceId: 'innerStart', targetId: 'work' });
  });

  it('compiles error boundary events on tasks and subprocesses', async () => {
    const compiled = await compileOne(
      process(
        `<bpmn:startEvent id="s" />${flow('f0', 's', 't')}
        <bpmn:serviceTask id="t">${job('notify')}</bpmn:serviceTask>${flow('f1', 't', 'sub')}
        <bpmn:subProcess id="sub"><bpmn:startEvent id="subStart" /></bpmn:subProcess>
        <bpmn:boundaryEvent id="notOurs" attachedToRef="t"><bpmn:errorEventDefinition errorRef="E1" /></bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="anyError" attachedToRef="t">
          <bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=error" target="lastError" /></zeebe:ioMapping></bpmn:extensionElements>
          <bpmn:errorEventDefinition />
        </bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="subFailed" attachedToRef="sub" cancelActivity="true"><bpmn:errorEventDefinition errorRef="E2" /></bpmn:boundaryEvent>
        <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />${flow('f2', 'notOurs', 'e1')}${flow('f3', 'subFailed', 'e2')}`,
        '<bpmn:error id="E1" errorCode="NOT_OURS" /><bpmn:error id="E2" name="no code" />',
      ),
    );
    expect((compiled.elements.get('t') as JobTask).boundaryEvents).toEqual(['notOurs', 'anyError']);
    expect((compiled.elements.get('sub') as SubProcess).boundaryEvents).toEqual(['subFailed']);
    expect(compiled.elements.get('notOurs')).toEqual({
      id: 'notOurs', type: 'BOUNDARY_EVENT', scopeId: 'p', attachedTo: 't', interrupting: true, eventType: 'ERROR',
      errorCode: 'NOT_OURS', incoming: [], outgoing: ['f2'], inputs: [], outputs: [],
    });
    const anyError = compiled.elements.get('anyError') as BoundaryEvent;
    expect(anyError.errorCode).toBeUndefined();
    expect(anyError.outputs).toEqual([{ source: { kind: 'feel', source: 'error' }, target: 'lastError' }]);
    expect((compiled.elements.get('subFailed') as BoundaryEvent).errorCode).toBeUndefined();
  });

  it('compiles every executable process of a resource and skips the others', async () => {
    const one = (id: string, executable: boolean) =>
      `<bpmn:process id="${id}" isExecutable="${executable}"><bpmn:startEvent id="${id}-s" /></bpmn:process>`;
    const compiled = await compileBpmn(definitions(one('a', true) + one('draft', false) + one('b', true)), 'two.bpmn');
    expect(compiled.map((p) => p.bpmnProcessId)).toEqual(['a', 'b']);
  });

  it('ignores what has no behaviour: data objects, annotations, lanes, metadata and other tools\' extensions', async () => {
    const compiled = await compileOne(
      definitions(
        `<bpmn:collaboration id="c"><bpmn:participant id="pool" processRef="p" /></bpmn:collaboration>
        <bpmn:process id="p" isExecutable="true" xmlns:other="http://example.com/other" other:flag="1">
          <bpmn:extensionElements><zeebe:versionTag value="v1" /><zeebe:userTaskForm id="form">{}</zeebe:userTaskForm></bpmn:extensionElements>
          <bpmn:laneSet id="ls"><bpmn:lane id="lane"><bpmn:flowNodeRef>s</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
          <bpmn:startEvent id="s" />${flow('f1', 's', 't')}
          <bpmn:serviceTask id="t">
            <bpmn:extensionElements>
              <zeebe:taskDefinition type="x" />
              <zeebe:properties><zeebe:property name="k" value="v" /></zeebe:properties>
              <other:config value="ignored" />
            </bpmn:extensionElements>
          </bpmn:serviceTask>
          <bpmn:dataObjectReference id="dor" dataObjectRef="do" /><bpmn:dataObject id="do" />
          <bpmn:textAnnotation id="note"><bpmn:text>why</bpmn:text></bpmn:textAnnotation>
          <bpmn:association id="assoc" sourceRef="t" targetRef="note" />
        </bpmn:process>`,
      ),
    );
    expect([...compiled.elements.keys()]).toEqual(['s', 't']);
  });

  it('produces immutable elements and the same model every time', async () => {
    const xml = process(`<bpmn:startEvent id="s" />${flow('f1', 's', 't')}<bpmn:serviceTask id="t">${job('x')}</bpmn:serviceTask>`);
    const first = await compileOne(xml);
    const second = await compileOne(xml);
    expect(second).toEqual(first);
    expect(Object.isFrozen(first.elements.get('t'))).toBe(true);
    expect(Object.isFrozen((first.elements.get('t') as JobTask).job.headers)).toBe(true);
  });
});

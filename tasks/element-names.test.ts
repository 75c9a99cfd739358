import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { processesDir } from '../workers/deploy-processes';
import { ElementNames } from './element-names';

test('user tasks of grid-event.bpmn are named as in the model, inside subprocesses too; unknown elements by their id', async () => {
  const names = await ElementNames.fromBpmn([await readFile(path.join(processesDir(), 'grid-event.bpmn'), 'utf8')]);
  expect(names.nameOf('grid-event', 'Task_HandleInDepartment')).toBe('Handle in department');
  expect(names.nameOf('grid-event', 'Task_HandlePart')).toBe("Handle department's part");
  expect(names.nameOf('grid-event', 'Task_Verify')).toBe('Verify on site');
  expect(names.nameOf('other-process', 'Task_Verify')).toBe('Task_Verify');
  expect(names.nameOf('grid-event', 'Task_Unknown')).toBe('Task_Unknown');
});

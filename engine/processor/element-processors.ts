/**
 * The element processor table, as Zeebe's BpmnElementProcessors: what each
 * element type does at each step of its lifecycle. Typed over BpmnElementType,
 * so an element type added to the model without a processor does not compile.
 */
import type { ElementProcessors } from './context';
import { uniformTable } from './element-processor';
import { callActivityProcessor } from './elements/call-activity';
import { boundaryEventProcessor, intermediateCatchEventProcessor, receiveTaskProcessor, startEventProcessor } from './elements/catch-events';
import { eventBasedGatewayProcessor, exclusiveGatewayProcessor, inclusiveGatewayProcessor, parallelGatewayProcessor } from './elements/gateways';
import { multiInstanceBodyProcessor } from './elements/multi-instance';
import { processProcessor } from './elements/process';
import { eventSubProcessProcessor, subProcessProcessor } from './elements/sub-process';
import { taskProcessor } from './elements/tasks';
import { endEventProcessor, intermediateThrowEventProcessor } from './elements/throw-events';
import { userTaskProcessor } from './elements/user-task';

export const ELEMENT_PROCESSORS: ElementProcessors = uniformTable({
  PROCESS: processProcessor,
  START_EVENT: startEventProcessor,
  END_EVENT: endEventProcessor,
  SERVICE_TASK: taskProcessor,
  SEND_TASK: taskProcessor,
  SCRIPT_TASK: taskProcessor,
  BUSINESS_RULE_TASK: taskProcessor,
  USER_TASK: userTaskProcessor,
  RECEIVE_TASK: receiveTaskProcessor,
  EXCLUSIVE_GATEWAY: exclusiveGatewayProcessor,
  PARALLEL_GATEWAY: parallelGatewayProcessor,
  INCLUSIVE_GATEWAY: inclusiveGatewayProcessor,
  EVENT_BASED_GATEWAY: eventBasedGatewayProcessor,
  SUB_PROCESS: subProcessProcessor,
  EVENT_SUB_PROCESS: eventSubProcessProcessor,
  CALL_ACTIVITY: callActivityProcessor,
  MULTI_INSTANCE_BODY: multiInstanceBodyProcessor,
  BOUNDARY_EVENT: boundaryEventProcessor,
  INTERMEDIATE_CATCH_EVENT: intermediateCatchEventProcessor,
  INTERMEDIATE_THROW_EVENT: intermediateThrowEventProcessor,
});

/** Element names of a process version, read from its BPMN XML once and kept for the tab's life. */
import { PROCESS_VERSION_XML } from './queries.js';

const byVersion = new Map();

/** { processName, names: Map(elementId → name) }; an element without a name keeps its id. */
export function processNames(request, bpmnProcessId, version) {
  const key = `${bpmnProcessId}@${version}`;
  if (!byVersion.has(key)) {
    const loading = request(PROCESS_VERSION_XML, { id: bpmnProcessId, version }).then(({ process }) => {
      const names = new Map();
      if (process) {
        const xml = new DOMParser().parseFromString(process.bpmnXml, 'application/xml');
        for (const node of xml.querySelectorAll('[id][name]')) names.set(node.getAttribute('id'), node.getAttribute('name').replace(/\s+/g, ' ').trim());
      }
      return { processName: process?.name ?? bpmnProcessId, names };
    });
    loading.catch(() => byVersion.delete(key));
    byVersion.set(key, loading);
  }
  return byVersion.get(key);
}

export function elementName(names, elementId) {
  return names.get(elementId) || elementId;
}

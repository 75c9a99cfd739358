/**
 * The BPMN diagram (bpmn-js NavigatedViewer, loaded as a classic script
 * before the modules) with a count overlay on each element. Overlays are
 * created once per element and then only their numbers change, so a refresh
 * neither flickers nor resets the zoom.
 */
import { h, setText } from './dom.js';

export const COUNT_KINDS = [
  { kind: 'active', label: 'active' },
  { kind: 'incidents', label: 'incidents' },
  { kind: 'breached', label: 'SLA breached' },
  { kind: 'completed', label: 'completed' },
];

export function createDiagram(container, { onElementClick }) {
  const viewer = new window.BpmnJS({ container });
  const canvas = viewer.get('canvas');
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  const counts = new Map();
  let shownKey = null;
  let selected = null;

  viewer.get('eventBus').on('element.click', ({ element }) => {
    const id = element === canvas.getRootElement() || element.waypoints ? null : element.id;
    onElementClick(id);
  });

  function overlayFor(elementId) {
    const badges = {};
    const box = h('div', { class: 'counts', dataset: { testid: `overlay-${elementId}` } });
    for (const { kind, label } of COUNT_KINDS) {
      badges[kind] = h('span', { class: `badge badge-${kind}`, dataset: { testid: `overlay-${elementId}-${kind}` } });
      badges[kind].dataset.label = label;
      box.append(badges[kind]);
    }
    // Never smaller than 1:1, or the numbers become unreadable when a large diagram is fitted.
    const id = overlays.add(elementId, 'counts', { position: { bottom: 12, left: -12 }, scale: { min: 1 }, html: box });
    return { id, badges };
  }

  return {
    get key() {
      return shownKey;
    },

    /** A new version re-imports; the viewport the manager chose (now, or `initial` from an earlier visit) is kept. */
    async show(xml, key, initial = null) {
      const viewbox = shownKey === null ? initial : this.viewbox();
      await viewer.importXML(xml);
      counts.clear();
      shownKey = key;
      if (viewbox) canvas.viewbox(viewbox);
      else canvas.zoom('fit-viewport', 'auto');
      if (selected) this.select(selected);
    },

    viewbox() {
      const { x, y, width, height } = canvas.viewbox();
      return { x, y, width, height };
    },

    /** Element ids that are shapes in this diagram (not the process itself, not flows). */
    has(elementId) {
      const element = registry.get(elementId);
      return element !== undefined && element !== canvas.getRootElement() && !element.waypoints;
    },

    nameOf(elementId) {
      return registry.get(elementId)?.businessObject?.name ?? elementId;
    },

    setCounts(statistics) {
      const seen = new Set();
      for (const stats of statistics) {
        if (!this.has(stats.elementId)) continue;
        seen.add(stats.elementId);
        let entry = counts.get(stats.elementId);
        if (!entry) {
          entry = overlayFor(stats.elementId);
          counts.set(stats.elementId, entry);
        }
        for (const { kind, label } of COUNT_KINDS) {
          const badge = entry.badges[kind];
          const value = stats[kind] ?? 0;
          setText(badge, value);
          badge.title = `${value} ${label}`;
          // Zero counts stay in the DOM (tests and assistive tools read them) but are not drawn.
          badge.hidden = value === 0;
        }
      }
      for (const [elementId, entry] of counts) {
        if (seen.has(elementId)) continue;
        overlays.remove(entry.id);
        counts.delete(elementId);
      }
    },

    select(elementId) {
      if (selected && registry.get(selected)) canvas.removeMarker(selected, 'selected');
      selected = elementId;
      if (selected && registry.get(selected)) canvas.addMarker(selected, 'selected');
    },

    zoom(step) {
      if (step === 'fit') canvas.zoom('fit-viewport', 'auto');
      else canvas.zoom(canvas.zoom() * step);
    },

    destroy() {
      viewer.destroy();
    },
  };
}

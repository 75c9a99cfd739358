/**
 * The BPMN diagram (bpmn-js NavigatedViewer, loaded as a classic script
 * before the modules) with a count overlay on each element. Overlays are
 * created once per element and then only their numbers change, so a refresh
 * neither flickers nor resets the zoom.
 */
import { badgeRowWidth, placeBadges } from './badge-layout.js';
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
  let laidOutAt = null;
  let frame = 0;

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
    return { id: null, box, badges, spot: undefined, values: [] };
  }

  /**
   * Puts every element's badges where they cover no label (badge-layout.js).
   * Badges keep their size on screen (readable when a large diagram is
   * fitted), so a new zoom or new numbers place them again.
   */
  function layout() {
    const zoom = canvas.zoom();
    const rows = [...counts].map(([elementId, entry]) => rowOf(elementId, entry));
    const spots = placeBadges(registry, canvas.getRootElement(), rows, zoom);
    for (const [elementId, entry] of counts) {
      const spot = spots.get(elementId) ?? null;
      const same = entry.spot !== undefined && JSON.stringify(entry.spot) === JSON.stringify(spot);
      entry.box.hidden = spot === null;
      entry.box.dataset.placed = spot === null ? 'none' : spot.compact ? 'compact' : 'beside';
      if (same && entry.id !== null) continue;
      if (entry.id !== null) overlays.remove(entry.id);
      entry.spot = spot;
      entry.id = overlays.add(elementId, 'counts', { position: spot ? { top: spot.top, left: spot.left } : { top: 0, left: 0 }, scale: false, html: entry.box });
    }
    laidOutAt = { zoom, signature: signatureOf() };
  }

  /** The completed count is the one left out when room is short: the table below has it. */
  function rowOf(elementId, entry) {
    const [active, incidents, breached] = entry.values;
    return { elementId, width: badgeRowWidth(entry.values), compactWidth: badgeRowWidth([active, incidents, breached]), urgent: active + incidents + breached > 0 };
  }

  function signatureOf() {
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([id, e]) => `${id}:${e.values.join('/')}`).join(',');
  }

  // The canvas measures its container once; a window that changes size must tell it.
  const resized = () => canvas.resized();
  window.addEventListener('resize', resized);

  viewer.get('eventBus').on('canvas.viewbox.changed', () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (laidOutAt !== null && Math.abs(canvas.zoom() - laidOutAt.zoom) > 1e-6) layout();
    });
  });

  return {
    get key() {
      return shownKey;
    },

    /** A new version re-imports; the viewport the manager chose (now, or `initial` from an earlier visit) is kept. */
    async show(xml, key, initial = null) {
      const viewbox = shownKey === null ? initial : this.viewbox();
      await viewer.importXML(xml);
      counts.clear();
      laidOutAt = null;
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
        entry.values = COUNT_KINDS.map(({ kind }) => stats[kind] ?? 0);
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
        if (entry.id !== null) overlays.remove(entry.id);
        counts.delete(elementId);
      }
      if (laidOutAt === null || laidOutAt.signature !== signatureOf() || Math.abs(canvas.zoom() - laidOutAt.zoom) > 1e-6) layout();
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
      cancelAnimationFrame(frame);
      window.removeEventListener('resize', resized);
      viewer.destroy();
    },
  };
}

/**
 * Where each element's count badges go on the diagram: beside the element,
 * in the first spot that covers no label, no other shape and no badge placed
 * before it. Badges keep their size on screen, so the spots are worked out
 * again when the zoom changes; an element with no free spot shows none (its
 * counts are still in the table under the diagram).
 */

/** Screen pixels of a row of badges: per badge a pill of its digits, and the gaps. */
const BADGE_HEIGHT = 18;
const DIGIT = 7.5;
const PILL = 12;
const GAP = 2;

export function badgeRowWidth(values) {
  const shown = values.filter((v) => v > 0);
  if (shown.length === 0) return 0;
  return shown.reduce((sum, v) => sum + Math.max(String(v).length * DIGIT + PILL, 17), 0) + GAP * (shown.length - 1);
}

const isContainer = (element) =>
  element.type === 'bpmn:Participant' || element.type === 'bpmn:Lane' || (element.type === 'bpmn:SubProcess' && element.di?.isExpanded !== false && element.width > 150);

/**
 * What badges must not cover, in diagram units: labels (their own elements in
 * bpmn-js), shapes (a task's name is written inside it) and, for a container,
 * the strip its name is written in.
 */
function obstaclesOf(registry, root) {
  const boxes = [];
  for (const element of registry.getAll()) {
    if (element === root || element.waypoints) continue;
    if (element.type === 'label') {
      if (element.width > 0) boxes.push(element);
    } else if (isContainer(element)) {
      boxes.push({ x: element.x, y: element.y, width: Math.min(element.width, 220), height: 28 });
    } else {
      boxes.push(element);
    }
  }
  return boxes;
}

const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * `rows`: [{ elementId, width, compactWidth, urgent }] (screen pixels; the
 * compact row leaves out the completed count); `zoom`: the canvas's scale.
 * Elements with something active, failing or late are placed first.
 * Answers Map(elementId → { left, top, compact } relative to the element, in
 * diagram units, or null: no free spot).
 */
export function placeBadges(registry, root, rows, zoom) {
  const obstacles = obstaclesOf(registry, root);
  const placed = [];
  const spots = new Map();
  const ordered = [...rows].sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.elementId.localeCompare(b.elementId));
  for (const row of ordered) {
    const element = registry.get(row.elementId);
    let spot = element && row.width > 0 ? spotFor(element, row.width, zoom, obstacles, placed) : null;
    let compact = false;
    if (spot === null && element && row.compactWidth > 0 && row.compactWidth < row.width) {
      spot = spotFor(element, row.compactWidth, zoom, obstacles, placed);
      compact = spot !== null;
    }
    if (spot !== null) placed.push(spot.box);
    spots.set(row.elementId, spot === null ? null : { left: spot.left, top: spot.top, compact });
  }
  return spots;
}

function spotFor(element, width, zoom, obstacles, placed) {
  const margin = 3 / zoom;
  const w = width / zoom;
  const h = BADGE_HEIGHT / zoom;
  const candidates = [
    [0, -h - margin],
    [element.width - w, -h - margin],
    [element.width + margin, 0],
    [element.width + margin, element.height - h],
    [-w - margin, 0],
    [0, element.height + margin],
    [element.width - w, element.height + margin],
    [-w - margin, element.height - h],
    [(element.width - w) / 2, -2 * h - 2 * margin],
    [(element.width - w) / 2, element.height + h + 2 * margin],
  ];
  const spot = candidates
    .map(([left, top]) => ({ left, top, box: { x: element.x + left - margin, y: element.y + top - margin, width: w + 2 * margin, height: h + 2 * margin } }))
    .find(({ box }) => !obstacles.some((o) => overlaps(box, o)) && !placed.some((p) => overlaps(box, p)));
  return spot ?? null;
}

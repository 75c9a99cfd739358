/**
 * The event's photos. An <img src> cannot carry a bearer token, so each is
 * fetched with it and shown from an object URL (the page's policy allows
 * blob: images), released when the list leaves the page.
 */
import { h } from './dom.js';
import { t } from './i18n.js';

export function photoList(photos, context) {
  if (photos.length === 0) return h('p', { class: 'hint', dataset: { testid: 'photos' } }, t('noPhotos'));
  const list = h('ul', { class: 'photos', dataset: { testid: 'photos' } });
  for (const [index, photo] of photos.entries()) {
    const image = h('img', { alt: `${t('photos')} ${index + 1}`, dataset: { testid: `photo-${photo.id}` } });
    list.append(h('li', {}, image));
    context.fetchAttachment(photo.id).then((blob) => {
      const url = URL.createObjectURL(blob);
      image.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
      image.src = url;
    }, () => image.replaceWith(h('span', { class: 'hint' }, `${photo.contentType}, ${Math.round(photo.size / 1024)} KiB`)));
  }
  return list;
}

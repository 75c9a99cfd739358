export { compileBpmn } from './compile';
export { checksum } from './checksum';
export * from './types';

import { basename, resolve } from 'node:path';

/**
 * The project root, whether running from src/shared/ under tsx or from dist/src/shared/ after a build. Its
 * own module so that the FAQ core can find its data files without importing the configuration.
 */
export const PROJECT_ROOT = ((parent) => (basename(parent) === 'dist' ? resolve(parent, '..') : parent))(resolve(__dirname, '..', '..'));

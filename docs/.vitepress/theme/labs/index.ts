/** The live labs, each a Vue component a lesson places by its tag. */
import type { App } from 'vue';

export function registerLabs(_app: App): void {}

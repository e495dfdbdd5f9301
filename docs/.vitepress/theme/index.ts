/**
 * The default VitePress theme in the demos' colours, with the live labs registered as global
 * components so a lesson places one with a tag (`<StompConsoleLab />`).
 */
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import '@stomping-ground/inspector/inspector.css';
import './style.css';
import { registerLabs } from './labs';
import SiteLayout from './SiteLayout.vue';

export default {
  extends: DefaultTheme,
  Layout: SiteLayout,
  enhanceApp({ app }) {
    registerLabs(app);
  },
} satisfies Theme;

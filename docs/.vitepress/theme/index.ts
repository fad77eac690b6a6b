/** The default VitePress theme plus `<RunExample id="…"/>`, the Run button of the in-page examples. */
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import RunExample from './RunExample.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RunExample', RunExample);
  },
} satisfies Theme;

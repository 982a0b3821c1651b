import './invite-link';
import { createApp } from 'vue';
// Toasts and dialogs are called from scripts, not templates, so the component resolver does not see their CSS.
import 'vant/es/toast/style';
import 'vant/es/dialog/style';
import './style.css';
import App from './App.vue';
import { router } from './router';
import { i18n } from './lib/i18n';

const app = createApp(App).use(router).use(i18n);
// The first render in a task of its own, after the one that evaluated the code and resolved the first route: on a
// phone each is a long task already, and together they were the longest of the page's load (Lighthouse's Total
// Blocking Time counts every task's time past 50 ms, so one task of A + B costs 50 ms more than two).
setTimeout(() => app.mount('#app'), 0);

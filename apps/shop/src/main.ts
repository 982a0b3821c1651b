import './invite-link';
import { createApp } from 'vue';
// Toasts and dialogs are called from scripts, not templates, so the component resolver does not see their CSS.
import 'vant/es/toast/style';
import 'vant/es/dialog/style';
import './style.css';
import App from './App.vue';
import { router } from './router';
import { i18n } from './lib/i18n';

createApp(App).use(router).use(i18n).mount('#app');

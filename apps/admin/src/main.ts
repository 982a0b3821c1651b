import { createApp } from 'vue';
// Messages and message boxes are called from scripts, not templates, so the component resolver does not see their CSS.
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import './style.css';
import App from './App.vue';
import { router } from './router';
import { i18n } from './lib/i18n';

createApp(App).use(router).use(i18n).mount('#app');
